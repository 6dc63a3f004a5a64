namespace CapOS.Kernel.Process;

/// <summary>Where a process is in its (for now very short) life.</summary>
public enum ProcessState : byte
{
    /// <summary>The table entry is unused.</summary>
    Free = 0,

    /// <summary>Ready to run or running.</summary>
    Runnable = 1,

    /// <summary>Stopped by a fault it could not recover from (no keeper yet).</summary>
    Faulted = 2,

    /// <summary>Ended by an exit order.</summary>
    Exited = 3,
}
