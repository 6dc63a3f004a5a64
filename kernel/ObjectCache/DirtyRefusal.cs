namespace CapOS.Kernel.ObjectCache;

/// <summary>Why <see cref="Cache.MarkDirty(ObjectHeader*)"/> refused (docs/process.md "stall queues").</summary>
public enum DirtyRefusal : byte
{
    /// <summary>Not refused.</summary>
    None = 0,

    /// <summary>The frame holds no object.</summary>
    NotCached = 1,

    /// <summary>No log or directory room is left in this generation: a checkpoint is requested.</summary>
    NoLogSpace = 2,

    /// <summary>A pending page whose checkpoint image is not written yet and cannot be copied aside.</summary>
    ImageInFlight = 3,
}
