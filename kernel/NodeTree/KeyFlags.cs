using System;

namespace CapOS.Kernel.NodeTree;

/// <summary>
/// In-memory state bits of a key, kept in the high bits of key byte 13 beside
/// <see cref="KeyRights"/> (docs/keys.md "Prepared form"). Never on disk: a key
/// is unprepared before its node is written, and a disk key with any of these
/// bits set is malformed.
/// </summary>
[Flags]
public enum KeyFlags : byte
{
    None = 0,

    /// <summary>Bytes 0..11 hold the ring link and object reference, not (OID, AllocCount).</summary>
    Prepared = 0x80,

    /// <summary>A hardware mapping depends on this slot: reading it needs the depend table first (EROS read hazard).</summary>
    ReadHazard = 0x40,

    /// <summary>Overwriting this slot must first invalidate hardware mappings (EROS write hazard).</summary>
    WriteHazard = 0x20,

    /// <summary>Every bit that exists only in memory.</summary>
    MemoryOnly = Prepared | ReadHazard | WriteHazard,
}
