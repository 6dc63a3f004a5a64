namespace CapOS.Kernel.Invocation;

/// <summary>
/// Order codes of the node key, which segment keys answer too (EROS node key, OC_Node_*; docs/invocation.md
/// "Node and segment keys"). Slots are W0 = 0..31. Rights of the invoked key: read-only refuses every change
/// (NoAccess), opaque refuses every fetch of a slot (NoAccess), weak makes every key fetched come out weakened
/// (read-only and weak memory keys, number keys as they are, anything else void: EROS "sense").
/// </summary>
public static class NodeOrder
{
    /// <summary>Reply key 0 = a copy of slot W0 (EROS Copy, "fetch").</summary>
    public const uint CopySlot = 1;

    /// <summary>Slot W0 gets sent key 0 (void when none is sent); reply key 0 = the key it held (EROS Swap).</summary>
    public const uint SwapSlot = 2;

    /// <summary>Reply key 0 = a node key to the node with the invoked key's rights plus the rights in W0 (bits 0..3: read-only, weak, no-call, opaque).</summary>
    public const uint MakeNodeKey = 3;

    /// <summary>
    /// Reply key 0 = a segment key to the node: W0 = key data (height 1..10 in bits 0..7, the red-segment flag 0x100
    /// allowed), W1 = rights added to the invoked key's.
    /// </summary>
    public const uint MakeSegmentKey = 4;

    /// <summary>Every slot becomes void (EROS Clear).</summary>
    public const uint Clear = 5;

    /// <summary>Slot W0 gets a number key of the 96 bits W1 (words 0 and 1) and W2 (word 2, below 2^32) (EROS WriteNumber).</summary>
    public const uint WriteNumber = 6;

    /// <summary>Reply W0 = 1 when sent key 0 is a node or segment key to this node, else 0 (EROS Compare).</summary>
    public const uint Compare = 7;

    /// <summary>
    /// This node's 32 slots become copies of the slots of the node named by sent key 0 (a node or segment key), each
    /// fetched as <see cref="CopySlot"/> would fetch it through that key (weakened through a weak key). The virtual
    /// copy keeper's copy of a shared node in one invocation (EROS VCSK copied slot by slot).
    /// </summary>
    public const uint Clone = 8;
}
