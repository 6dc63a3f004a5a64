namespace CapOS.Kernel.Process;

/// <summary>What <see cref="ProcessTable.Load"/> found.</summary>
public enum LoadResult
{
    /// <summary>Loaded (or already loaded).</summary>
    Ok,

    /// <summary>No free entry: every entry holds a running process (docs/process.md "Open questions").</summary>
    TableFull,

    /// <summary>The root or one of its parts could not be faulted in (the cache's result says why).</summary>
    ObjectFault,

    /// <summary>The root's AllocCount differs from the caller's: the process was rescinded.</summary>
    Rescinded,

    /// <summary>A root slot holds an illegal key type, or the key registers or annex key designates nothing.</summary>
    Malformed,

    /// <summary>The log has no room for this process's write-back (retried after the next checkpoint).</summary>
    NoLogSpace,
}
