namespace CapOS.Kernel.ObjectCache;

/// <summary>Counters of the object cache since initialization (docs/object-cache.md "Counters").</summary>
public struct CacheStatistics
{
    /// <summary>Lookups that missed and went to disk (successful or not).</summary>
    public ulong Faults;

    /// <summary>Lookups that found the object cached.</summary>
    public ulong Hits;

    /// <summary>Objects removed to make room.</summary>
    public ulong Evictions;

    /// <summary>Objects loaded from a log image (or a zero page the directory names).</summary>
    public ulong LoadsFromLog;

    /// <summary>Objects loaded from their home location (including zero pages filled without a read).</summary>
    public ulong LoadsFromHome;

    /// <summary>Tag pots read (from the log or home) into the tag-pot cache.</summary>
    public ulong TagPotLoads;

    /// <summary>Disk pages read by object faults.</summary>
    public ulong PagesRead;

    /// <summary>Asynchronous faults that joined a read in flight instead of starting one (Cache I12, I13).</summary>
    public ulong Joins;
}
