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

    /// <summary>
    /// Part of the snapshot being written, not yet committed: set by Cache.Freeze, cleared at commit
    /// or after a failed checkpoint; never evicted, and a page is written through copy-on-write (I10).
    /// </summary>
    CheckpointPending = 0x04,

    /// <summary>
    /// On a free frame only (ObType None): reserved for an object whose asynchronous read is in flight; the clock
    /// neither hands it out nor evicts it, and the object is installed in it once the read passed its check (Cache I12).
    /// </summary>
    Reading = 0x08,

    /// <summary>
    /// On a node: some depend record may name one of its slots (set by DependTable whenever it takes a record for the
    /// node, of any kind; cleared only when the frame is emptied or reloaded, so it may stay set after the records went). A slot write
    /// of a node without it has no mapping entry to clear (AddressSpaces.SlotChanged; docs/process.md P9).
    /// </summary>
    Depended = 0x10,
}
