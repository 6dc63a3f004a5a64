namespace CapOS.Kernel.ObjectCache;

/// <summary>Outcome of an object fault or a cache operation (docs/object-cache.md "Faults").</summary>
public enum CacheResult : byte
{
    Ok = 0,

    /// <summary>No frame can be freed: every frame of the kind is dirty or pinned. The checkpoint must run.</summary>
    CacheFullOfDirty,

    /// <summary>The OID is in no object range (detail: <see cref="Cache.LastFormatError"/>).</summary>
    UnknownOid,

    /// <summary>The OID is in a range of the other kind, or cached as the other kind.</summary>
    WrongObjectKind,

    /// <summary>The disk failed a read (detail: <see cref="Cache.LastDiskError"/>).</summary>
    IoError,

    /// <summary>A log image does not match its directory entry's ImageCrc (L1).</summary>
    LogImageCorrupt,

    /// <summary>A home data page does not match its tag entry's DataCrc (L1).</summary>
    HomePageCorrupt,

    /// <summary>A node pot or tag pot failed validation (P1; detail: <see cref="Cache.LastFormatError"/>).</summary>
    PotInvalid,

    /// <summary>A directory entry disagrees with the image it names (slot or AllocCount).</summary>
    DirectoryMismatch,

    /// <summary>The cache has not been initialized.</summary>
    NotInitialized,

    /// <summary>
    /// An asynchronous fault: the object's read is in flight (started now or joined; Cache.LastPendingRead names
    /// it). Abandon the operation and stall the process on it (Process.Stall.OnObject); restart when woken.
    /// </summary>
    Pending,
}

/// <summary>Text for each <see cref="CacheResult"/> (literals only: portable).</summary>
public static class CacheResults
{
    public static string Name(CacheResult result) => result switch
    {
        CacheResult.Ok => "ok",
        CacheResult.CacheFullOfDirty => "object cache full of dirty or pinned objects",
        CacheResult.UnknownOid => "OID in no object range",
        CacheResult.WrongObjectKind => "OID of the other object kind",
        CacheResult.IoError => "disk read error",
        CacheResult.LogImageCorrupt => "log image CRC mismatch",
        CacheResult.HomePageCorrupt => "home data page CRC mismatch",
        CacheResult.PotInvalid => "invalid pot",
        CacheResult.DirectoryMismatch => "directory entry disagrees with its image",
        CacheResult.NotInitialized => "object cache not initialized",
        CacheResult.Pending => "object read in progress",
        _ => "unknown cache result",
    };
}
