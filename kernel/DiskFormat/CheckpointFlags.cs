using System;

namespace CapOS.Kernel.DiskFormat;

/// <summary>State bits of a checkpoint header (docs/disk-format.md "Commit protocol").</summary>
[Flags]
public enum CheckpointFlags : uint
{
    None = 0,

    /// <summary>
    /// Every image of this checkpoint has been copied to its home location: its log area is
    /// free and recovery reads every object from home. Set only in a second copy of the header
    /// written to the other slot (never by rewriting the current slot in place).
    /// </summary>
    Migrated = 1,

    /// <summary>Every defined flag.</summary>
    All = Migrated,
}
