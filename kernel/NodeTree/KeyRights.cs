using System;

namespace CapOS.Kernel.NodeTree;

/// <summary>
/// Restrictions a key carries (docs/keys.md "Rights"). Each bit only removes
/// authority; a key with no bits set is the full key. Stored in the low four
/// bits of key byte 13, on disk and in memory.
/// </summary>
/// <remarks>Standalone: imagegen links this file beside kernel/DiskFormat.</remarks>
[Flags]
public enum KeyRights : byte
{
    None = 0,

    /// <summary>No writes through this key (page, node, segment).</summary>
    ReadOnly = 0x01,

    /// <summary>Keys fetched through this key are weakened: read-only and weak, number keys unchanged (node, segment).</summary>
    Weak = 0x02,

    /// <summary>Faults below this key are not reported to its keeper (segment; EROS "no-call").</summary>
    NoCall = 0x04,

    /// <summary>The holder may not look inside: no slot fetch, only the segment's use as memory (CapROS "opaque").</summary>
    Opaque = 0x08,

    /// <summary>Every right bit defined; the other bits of the byte are not rights.</summary>
    All = ReadOnly | Weak | NoCall | Opaque,
}
