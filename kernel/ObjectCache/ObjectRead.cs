using System.Runtime.InteropServices;
using CapOS.Kernel.DiskFormat;
using CapOS.Kernel.Io;
using CapOS.Kernel.NodeTree;

namespace CapOS.Kernel.ObjectCache;

/// <summary>Life cycle of an <see cref="ObjectRead"/> slot.</summary>
public enum ReadState : byte
{
    /// <summary>Unused.</summary>
    Free = 0,

    /// <summary>Its request is prepared but the device queue was full: submitted by the next <see cref="Cache.CompleteReads"/>.</summary>
    Queued = 1,

    /// <summary>Its request is with the driver (docs/io.md I1: the record stays put, only the driver writes the request).</summary>
    Reading = 2,

    /// <summary>The read failed (<see cref="ObjectRead.Result"/>); kept until every process it woke has retried (Cache I12).</summary>
    Failed = 3,
}

/// <summary>Which disk page of an object fault a read holds.</summary>
public enum ReadStage : byte
{
    /// <summary>Nothing to read: the object is complete (a zero page), or nothing was read yet.</summary>
    None = 0,

    /// <summary>The tag pot of the page's cluster (its entry gives the page's AllocCount, tag and DataCrc).</summary>
    TagPot = 1,

    /// <summary>The object's own image: the page's data, or the node's pot.</summary>
    Object = 2,
}

/// <summary>
/// One object fault in progress: the find-read-check steps of Cache.Load.cs with the disk request between
/// them (docs/object-cache.md "Asynchronous faults"). A synchronous fault keeps one on the kernel stack; an
/// asynchronous one takes a slot of the cache's read table (Cache.Reads.cs), which lives in the cache's memory
/// so that the request stays put while the driver owns it (docs/io.md I1).
/// </summary>
[StructLayout(LayoutKind.Sequential)]
public unsafe struct ObjectRead
{
    /// <summary>The request of the read in flight (Queued or Reading); Buffer is the frame's page or <see cref="Buffer"/>.</summary>
    public DiskRequest Request;

    /// <summary>The object's home location (VolumeLayout.Locate), found when the fault began.</summary>
    public ObjectLocation Location;

    /// <summary>The object being faulted in.</summary>
    public Oid Oid;

    /// <summary>The frame reserved for it (ObType None, flag Reading: never handed out or evicted, Cache I12).</summary>
    public ObjectHeader* Frame;

    /// <summary>A 4 KiB buffer for pots (tag pot, node pot); a page's data is read straight into its frame.</summary>
    public byte* Buffer;

    /// <summary>The disk page being read and the CRC its image must have when <see cref="Verified"/>.</summary>
    public ulong DiskPage;

    /// <summary>Order of the fault among asynchronous ones (the oldest read is the one a fault with no free slot waits for).</summary>
    public ulong Started;

    /// <summary>Expected CRC of the page being read (log image: directory ImageCrc; home data page: tag DataCrc).</summary>
    public uint Crc;

    /// <summary>While Failed: processes woken by the failure that have not retried yet.</summary>
    public uint Waiters;

    /// <summary>Page or Node.</summary>
    public ObType Type;

    public ReadState State;

    /// <summary>Which page is being read.</summary>
    public ReadStage Stage;

    /// <summary>While Failed: the answer every retry gets.</summary>
    public CacheResult Result;

    /// <summary>The detail of a PotInvalid result.</summary>
    public FormatError FormatError;

    /// <summary>The detail of an IoError result.</summary>
    public DiskError DiskError;

    /// <summary>Reads of the current page that failed their CRC (a device may return garbage once; Recovery.ReadAttempts).</summary>
    public byte Attempts;

    /// <summary>The page read is CRC-checked (a log image, a home data page); else a pot checked by P1 only.</summary>
    public bool Verified;

    /// <summary>The image comes from the log (statistics; a home data page that fails its CRC is HomePageCorrupt).</summary>
    public bool FromLog;
}
