using System.Runtime.InteropServices;

namespace CapOS.Kernel.NodeTree;

/// <summary>
/// The body of a node in a node frame: 32 key slots and the call count
/// (docs/keys.md "Nodes"; EROS Node). The OID and AllocCount live in the
/// frame's object header, which the object cache owns.
/// </summary>
/// <remarks>
/// Loading a node from disk copies DiskNode's 32 keys and CallCount here;
/// writing one copies them back after every slot is unprepared.
/// I1: slots hold only defined key types (KeyTypes.IsDefined).
/// </remarks>
[StructLayout(LayoutKind.Explicit, Size = Size)]
public unsafe struct Node
{
    /// <summary>Key slots per node.</summary>
    public const int SlotCount = 32;

    /// <summary>Bytes per in-memory node body (16-byte multiple, so slots stay aligned in arrays).</summary>
    public const int Size = 528;

    /// <summary>Byte offset of <see cref="CallCount"/>.</summary>
    public const int CallCountOffset = 512;

    [FieldOffset(0)]
    private fixed byte _slots[SlotCount * 16];

    /// <summary>Bumped when the process this node roots is called, voiding old resume keys (EROS).</summary>
    [FieldOffset(CallCountOffset)]
    public uint CallCount;

    /// <summary>Slot <paramref name="index"/> (0..31) of <paramref name="node"/>.</summary>
    public static Key* Slot(Node* node, int index) => (Key*)node->_slots + index;
}
