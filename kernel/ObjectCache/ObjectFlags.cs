using System;

namespace CapOS.Kernel.ObjectCache;

/// <summary>State bits of a cached object (docs/object-cache.md "Definitions").</summary>
[Flags]
public enum ObjectFlags : byte
{
    None = 0,

    /// <summary>Changed since it was loaded or last written; never evicted until a checkpoint cleans it.</summary>
    Dirty = 0x01,

    /// <summary>Used since the clock hand last passed (EROS age, one bit): the clock clears it before evicting.</summary>
    Referenced = 0x02,

    /// <summary>Reserved for the checkpoint: part of a snapshot not yet written (copy on write).</summary>
    CheckpointPending = 0x04,
}
