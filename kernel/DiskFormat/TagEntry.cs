using System.Runtime.InteropServices;

namespace CapOS.Kernel.DiskFormat;

/// <summary>One page frame's entry in its cluster's tag pot: 12 bytes (docs/disk-format.md "Tag pot").</summary>
/// <remarks>I1: Tag is a defined FrameTag; a ZeroPage entry has DataCrc 0; Reserved is zero.</remarks>
[StructLayout(LayoutKind.Explicit, Size = Size)]
public struct TagEntry
{
    public const int Size = 12;

    /// <summary>The page's AllocCount (bumped by rescind; keys with another count are void).</summary>
    [FieldOffset(0)]
    public uint AllocCount;

    /// <summary>CRC-32C of the home data page (DataPage), else 0.</summary>
    [FieldOffset(4)]
    public uint DataCrc;

    [FieldOffset(8)]
    public FrameTag Tag;

    [FieldOffset(9)]
    public byte Reserved0;

    [FieldOffset(10)]
    public ushort Reserved1;
}
