namespace CapOS.Kernel.NodeTree;

/// <summary>
/// What an object frame or a logged image holds (EROS ObType, reduced to what
/// the store needs now; the cache may add in-memory states after these values).
/// </summary>
/// <remarks>
/// Stored as one byte in checkpoint directory entries (docs/disk-format.md).
/// Standalone: imagegen links this file beside kernel/DiskFormat.
/// </remarks>
public enum ObType : byte
{
    /// <summary>No object: an unused entry or frame.</summary>
    None = 0,

    /// <summary>A data page: 4096 bytes (EROS ot_PtDataPage).</summary>
    Page = 1,

    /// <summary>A node: 32 key slots (EROS ot_NtUnprepared and its prepared forms).</summary>
    Node = 2,

    /// <summary>A tag pot of a page range, logged whole when a page's tag changes (EROS ot_PtTagPot).</summary>
    TagPot = 3,

    /// <summary>A node pot: 7 nodes in one disk page (EROS ot_PtHomePot). Directory entries name nodes, not pots.</summary>
    NodePot = 4,
}
