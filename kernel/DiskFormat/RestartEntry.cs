using System.Runtime.InteropServices;
using CapOS.Kernel.NodeTree;

namespace CapOS.Kernel.DiskFormat;

/// <summary>
/// A process to restart after recovery: its root node (EROS thread directory entry;
/// docs/disk-format.md "Checkpoint header"). 16 bytes.
/// </summary>
[StructLayout(LayoutKind.Explicit, Size = Size)]
public struct RestartEntry
{
    public const int Size = 16;

    /// <summary>OID of the process root node.</summary>
    [FieldOffset(0)]
    public Oid Oid;

    /// <summary>AllocCount of the root node when the checkpoint was taken.</summary>
    [FieldOffset(8)]
    public uint AllocCount;

    /// <summary>Zero (room for a schedule index, as EROS kept).</summary>
    [FieldOffset(12)]
    public uint Reserved;
}
