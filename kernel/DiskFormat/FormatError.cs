namespace CapOS.Kernel.DiskFormat;

/// <summary>
/// Why a structure read from disk is not trusted, or why a lookup failed
/// (docs/disk-format.md "Validation"). Every validation function returns one;
/// <see cref="FormatErrors.Name"/> gives the text for messages.
/// </summary>
public enum FormatError : byte
{
    None = 0,

    // Volume header (page 0 or its copy in page 1).
    VolumeBadMagic,
    VolumeBadCrc,
    VolumeBadVersion,
    VolumeBadRangeCount,
    VolumeBadPageCount,
    RangeBadKind,
    RangeOutsideVolume,
    RangesOverlap,
    RangeNullOid,
    RangeBadOidCount,
    OidRangesOverlap,
    LogRangeMissing,
    LogRangeDuplicate,
    LogRangeBadSize,
    LogRangeHasOids,

    // Lookups.
    UnknownOid,
    WrongObjectKind,

    // Keys and nodes.
    KeyUndefinedType,
    KeyMemoryOnlyFlags,
    KeyReservedBits,
    KeyNullOid,
    KeyVoidNotZero,

    // Node pot.
    NodePotBadMagic,
    NodePotBadCrc,
    NodePotWrongOid,
    NodePotBadNodeCount,
    NodeWrongOid,

    // Tag pot.
    TagPotBadMagic,
    TagPotBadCrc,
    TagPotWrongOid,
    TagPotBadEntryCount,
    TagPotBadTag,
    TagPotBadEntry,

    // Checkpoint header.
    CheckpointBadMagic,
    CheckpointBadCrc,
    CheckpointBadVersion,
    CheckpointBadSequence,
    CheckpointForeignVolume,
    CheckpointBadFlags,
    CheckpointBadLogArea,
    CheckpointBadDirectory,
    CheckpointBadRestartCount,
    CheckpointBadConfiguration,

    // Directory page.
    DirectoryBadMagic,
    DirectoryBadCrc,
    DirectoryWrongSequence,
    DirectoryWrongIndex,
    DirectoryBadEntryCount,
    DirectoryBadType,
    DirectoryNullOid,
    DirectoryBadLid,
    DirectoryBadSlot,
}
