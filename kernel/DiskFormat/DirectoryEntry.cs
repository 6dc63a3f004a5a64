using System.Runtime.InteropServices;
using CapOS.Kernel.NodeTree;

namespace CapOS.Kernel.DiskFormat;

/// <summary>
/// One object of a checkpoint: where its image is in the log (docs/disk-format.md
/// "Directory"; EROS CkptDirent). 24 bytes.
/// </summary>
/// <remarks>
/// Page: Lid = its data-page image, or 0 (ZeroLid) for a zero page with no image.
/// Node: Lid = the image of its whole node pot, Slot = its index there (nodes of one
/// pot share the image). TagPot: Oid = the cluster's first page OID, Lid = the tag
/// pot image, AllocCount 0. ImageCrc = CRC-32C of the 4096 bytes at Lid (0 for Lid 0).
/// I1: Type is Page, Node or TagPot; Oid is not null; Lid is 0 only for a Page,
/// otherwise inside the log area; Slot &lt; 7 for a Node and 0 otherwise.
/// </remarks>
[StructLayout(LayoutKind.Explicit, Size = Size)]
public struct DirectoryEntry
{
    public const int Size = 24;

    [FieldOffset(0)]
    public Oid Oid;

    [FieldOffset(8)]
    public uint AllocCount;

    [FieldOffset(12)]
    public uint ImageCrc;

    [FieldOffset(16)]
    public uint Lid;

    [FieldOffset(20)]
    public ObType Type;

    [FieldOffset(21)]
    public byte Slot;

    [FieldOffset(22)]
    public ushort Reserved;
}
