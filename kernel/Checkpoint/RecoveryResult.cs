using CapOS.Kernel.DiskFormat;
using CapOS.Kernel.Io;

namespace CapOS.Kernel.Checkpoint;

/// <summary>Why recovery refused to boot (docs/recovery.md "Faults").</summary>
public enum RecoveryFault : byte
{
    None = 0,

    /// <summary>No block device is attached.</summary>
    NoDisk,

    /// <summary>A read failed (<see cref="RecoveryResult.DiskError"/>, at <see cref="RecoveryResult.Page"/>).</summary>
    DiskError,

    /// <summary>Neither volume header validates (<see cref="RecoveryResult.Error"/> page 0, <see cref="RecoveryResult.OtherError"/> page 1).</summary>
    VolumeHeaderInvalid,

    /// <summary>Neither checkpoint header validates (Error: LID 0, OtherError: LID 1).</summary>
    NoValidCheckpoint,

    /// <summary>A directory page of the chosen checkpoint fails D1 (Error; Page = its index in the directory).</summary>
    DirectoryInvalid,

    /// <summary>The directory names one (OID, type) twice.</summary>
    DirectoryDuplicate,

    /// <summary>The memory given is too small for the directory or the cache.</summary>
    OutOfMemory,

    /// <summary>A log image of the chosen checkpoint fails its CRC (<see cref="RecoveryResult.FaultOid"/>, LID in Page).</summary>
    LogImageCorrupt,
}

/// <summary>What recovery found: the chosen checkpoint, or the fault that stopped it.</summary>
public struct RecoveryResult
{
    public RecoveryFault Fault;

    /// <summary>The format fault (volume page 0, LID 0, or the directory page).</summary>
    public FormatError Error;

    /// <summary>The second format fault (volume page 1, LID 1).</summary>
    public FormatError OtherError;

    public DiskError DiskError;

    /// <summary>Disk page of a failed read, or index of a bad directory page.</summary>
    public ulong Page;

    /// <summary>Page 0 did not validate and the copy in page 1 was used; <see cref="VolumeError"/> says why.</summary>
    public bool VolumeCopyUsed;

    public FormatError VolumeError;

    /// <summary>Chosen header slot (0 or 1), or -1.</summary>
    public int Slot;

    public ulong Sequence;

    public bool Migrated;

    /// <summary>Directory entries loaded (0 when the chosen checkpoint is Migrated).</summary>
    public uint LogObjects;

    public uint RestartCount;

    /// <summary>With <see cref="RecoveryFault.LogImageCorrupt"/>: the object whose image is damaged, and its type.</summary>
    public ulong FaultOid;

    /// <summary>The type of <see cref="FaultOid"/>'s directory entry.</summary>
    public NodeTree.ObType FaultType;
}
