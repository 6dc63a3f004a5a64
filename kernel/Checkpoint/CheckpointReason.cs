namespace CapOS.Kernel.Checkpoint;

/// <summary>Why a checkpoint was asked for (docs/checkpoint.md "Triggers").</summary>
public enum CheckpointReason : byte
{
    /// <summary>No request pending.</summary>
    None = 0,

    /// <summary>The checkpoint interval elapsed.</summary>
    Interval = 1,

    /// <summary>The checkpoint key's "checkpoint now" order, or a kernel caller.</summary>
    Key = 2,

    /// <summary>The generation reached LogThresholdPercent of a half.</summary>
    Threshold = 3,

    /// <summary>A reservation was refused: the dirtying operation waits for the snapshot.</summary>
    LogFull = 4,

    /// <summary>An object fault found only dirty, pending or pinned frames.</summary>
    CacheFull = 5,
}
