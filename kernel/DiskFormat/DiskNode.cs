using System.Runtime.InteropServices;
using CapOS.Kernel.NodeTree;

namespace CapOS.Kernel.DiskFormat;

/// <summary>
/// A node on disk: header then 32 disk keys, 528 bytes (EROS DiskNode;
/// docs/disk-format.md "Node pot").
/// </summary>
/// <remarks>I1: every slot satisfies DiskKey's invariants. I2: Oid matches the node's place in its pot.</remarks>
[StructLayout(LayoutKind.Explicit, Size = Size)]
public unsafe struct DiskNode
{
    public const int Size = 528;

    /// <summary>Key slots per node: Node.SlotCount, repeated here so this file links without Node.cs (imagegen).</summary>
    public const int SlotCount = 32;

    /// <summary>Byte offset of slot 0.</summary>
    public const int SlotsOffset = 16;

    /// <summary>The node's OID.</summary>
    [FieldOffset(0)]
    public Oid Oid;

    /// <summary>Version of the node; keys with another count are void.</summary>
    [FieldOffset(8)]
    public uint AllocCount;

    /// <summary>Resume keys with another count are void (EROS call count).</summary>
    [FieldOffset(12)]
    public uint CallCount;

    [FieldOffset(SlotsOffset)]
    private fixed byte _slots[SlotCount * DiskKey.Size];

    /// <summary>Slot <paramref name="index"/> (0..31) of <paramref name="node"/>.</summary>
    public static DiskKey* Slot(DiskNode* node, int index) => (DiskKey*)node->_slots + index;

    /// <summary>Checks the 32 keys (I1); the first malformed one decides the error.</summary>
    public static FormatError ValidateKeys(DiskNode* node)
    {
        for (int i = 0; i < SlotCount; i++)
        {
            FormatError error = DiskKey.Validate(Slot(node, i));
            if (error != FormatError.None)
            {
                return error;
            }
        }

        return FormatError.None;
    }
}
