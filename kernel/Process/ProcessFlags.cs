namespace CapOS.Kernel.Process;

/// <summary>What a process table entry holds (<see cref="ProcessEntry.Flags"/>).</summary>
[System.Flags]
public enum ProcessFlags : byte
{
    None = 0,

    /// <summary>Loaded from its nodes (pins held).</summary>
    Loaded = 1,

    /// <summary>The context changed since the last write-back to the annex page.</summary>
    ContextChanged = 2,

    /// <summary>Run state, fault code or fault info changed since the last write-back to the root.</summary>
    StateChanged = 4,
}
