using CapOS.Kernel.Invocation;

namespace CapOS.Runtime;

/// <summary>
/// A node key or a segment key in a key register (docs/invocation.md "Node and segment keys"; orders
/// <see cref="NodeOrder"/>). Rights are the key rights bits: 1 read-only, 2 weak, 4 no-call, 8 opaque.
/// </summary>
public readonly unsafe struct NodeKeyRef(byte register)
{
    /// <summary>The key register holding the node or segment key.</summary>
    public byte Register { get; } = register;

    /// <summary>Copies slot <paramref name="slot"/> into key register <paramref name="into"/>.</summary>
    public InvocationResult CopySlot(int slot, byte into) => KeyCall.Call(Register, NodeOrder.CopySlot, (ulong)slot, 0, 0, 0, into, out _);

    /// <summary>Slot <paramref name="slot"/> gets the key in <paramref name="from"/>; the old key goes to <paramref name="into"/>.</summary>
    public InvocationResult SwapSlot(int slot, byte from, byte into) => KeyCall.Call(Register, NodeOrder.SwapSlot, (ulong)slot, 0, 0, from, into, out _);

    /// <summary>A node key to the node with <paramref name="addedRights"/> more restrictions, into <paramref name="into"/>.</summary>
    public InvocationResult MakeNodeKey(byte addedRights, byte into) => KeyCall.Call(Register, NodeOrder.MakeNodeKey, addedRights, 0, 0, 0, into, out _);

    /// <summary>A segment key to the node (key data: height, optionally 0x100 red segment), into <paramref name="into"/>.</summary>
    public InvocationResult MakeSegmentKey(ushort keyData, byte addedRights, byte into) =>
        KeyCall.Call(Register, NodeOrder.MakeSegmentKey, keyData, addedRights, 0, 0, into, out _);

    /// <summary>Every slot void.</summary>
    public InvocationResult Clear() => KeyCall.Call(Register, NodeOrder.Clear, 0, 0, 0, 0, 0, out _);

    /// <summary>Slot <paramref name="slot"/> gets a number key of <paramref name="low"/> (words 0, 1) and <paramref name="high"/> (word 2).</summary>
    public InvocationResult WriteNumber(int slot, ulong low, uint high) => KeyCall.Call(Register, NodeOrder.WriteNumber, (ulong)slot, low, high, 0, 0, out _);

    /// <summary>Every slot gets a copy of the same slot of the node or segment key in <paramref name="from"/>, fetched through it (weakened through a weak key).</summary>
    public InvocationResult Clone(byte from) => KeyCall.Call(Register, NodeOrder.Clone, 0, 0, 0, from, 0, out _);

    /// <summary>Whether the key in <paramref name="key"/> is a node or segment key to this node.</summary>
    public InvocationResult Compare(byte key, out bool same)
    {
        InvocationResult result = KeyCall.Call(Register, NodeOrder.Compare, 0, 0, 0, key, 0, out InvocationResponse reply);
        same = reply.W0 == 1;
        return result;
    }
}
