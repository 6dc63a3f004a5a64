using CapOS.Kernel.NodeTree;
using CapOS.Kernel.ObjectCache;
using CapOS.Kernel.Process;

namespace CapOS.Kernel.Invocation.Keys;

/// <summary>
/// The node key: the slots of a node (EROS node key; docs/invocation.md "Node and segment keys"). Orders:
/// <see cref="NodeOrder"/>. Segment keys take the same orders through this code (<see cref="SegmentKey"/>): the
/// node is the same whichever key names it, and the rights decide what the holder may do.
/// </summary>
/// <remarks>
/// I1 Rights: a read-only key writes no slot; an opaque key fetches no slot; a weak key fetches only weakened
///    keys (<see cref="Weakened"/>); Clone fetches through its sent key by the same rules (NodeCloneTests). Making a key never adds a right: the new key has the invoked key's
///    restrictions and more. NodeKeyTests, SegmentKeyTests.
/// I2 Root slots 3 and 4 of a loaded process are never written (ProcessTable I7): writing one, or clearing a
///    loaded root, answers RequestError. Slots 8 and 9 are taken into the loaded process by KeySlots.Write, except
///    the invoker's own (RequestError: its state is the reply's, as for the process key).
/// I3 The node stays pinned for the whole order: preparing a sent key may fault its object in, and that must
///    not evict the node whose slots the order reads.
/// </remarks>
public static unsafe class NodeKey
{
    public static DispatchOutcome Invoke(Invocation* invocation) => Invocation.WithTargetPinned(invocation, &Run); // I3

    /// <summary>
    /// What a key fetched through a weak key becomes (EROS/KeyKOS "sense"): a page key read-only, a node or segment
    /// key read-only and weak, a number or void key as it is, any other key void: nothing fetched through a weak
    /// key conveys more than the authority to read.
    /// </summary>
    public static Key Weakened(Key key)
    {
        KeyRights added = key.Type switch
        {
            KeyType.Page => KeyRights.ReadOnly,
            KeyType.Node or KeyType.Segment => KeyRights.ReadOnly | KeyRights.Weak,
            _ => KeyRights.None,
        };
        if (added == KeyRights.None && key.Type != KeyType.Number)
        {
            return Key.Void;
        }

        key.SetRights(key.Rights | added);
        return key;
    }

    private static DispatchOutcome Run(Invocation* invocation)
    {
        KeyRights rights = invocation->Key->Rights;
        InvocationArguments* arguments = &invocation->Arguments;
        switch (arguments->Order)
        {
            case NodeOrder.CopySlot:
                return Copy(invocation, rights, arguments->W0);
            case NodeOrder.SwapSlot:
                return Write(invocation, rights, arguments->W0, invocation->SentKey(0), swap: true);
            case NodeOrder.WriteNumber:
                if (arguments->W2 > uint.MaxValue)
                {
                    return invocation->Answer(InvocationResult.RequestError);
                }

                Key number = Key.Number((uint)arguments->W1, (uint)(arguments->W1 >> 32), (uint)arguments->W2);
                return Write(invocation, rights, arguments->W0, &number, swap: false);
            case NodeOrder.MakeNodeKey:
                return Make(invocation, KeyType.Node, 0, arguments->W0);
            case NodeOrder.MakeSegmentKey:
                if (!IsSegmentKeyData(arguments->W0))
                {
                    return invocation->Answer(InvocationResult.RequestError);
                }

                return Make(invocation, KeyType.Segment, (ushort)arguments->W0, arguments->W1);
            case NodeOrder.Clear:
                return Clear(invocation, rights);
            case NodeOrder.Clone:
                return Clone(invocation, rights);
            case NodeOrder.Compare:
                Key* sent = invocation->SentKey(0);
                bool same = sent != null && (sent->Type == KeyType.Node || sent->Type == KeyType.Segment)
                    && Invocation.ObjectOf(sent) == invocation->Target;
                return invocation->Answer(same ? 1UL : 0UL);
            default:
                return invocation->Answer(InvocationResult.UnknownOrder);
        }
    }

    private static DispatchOutcome Copy(Invocation* invocation, KeyRights rights, ulong slot)
    {
        if ((rights & KeyRights.Opaque) != 0)
        {
            return invocation->Answer(InvocationResult.NoAccess);
        }

        if (slot >= Node.SlotCount)
        {
            return invocation->Answer(InvocationResult.RequestError);
        }

        SetFetched(invocation, rights, (int)slot);
        return invocation->Answer(InvocationResult.Ok);
    }

    /// <summary>Slot <paramref name="slot"/> gets <paramref name="key"/> (void when null); a swap replies the old key.</summary>
    private static DispatchOutcome Write(Invocation* invocation, KeyRights rights, ulong slot, Key* key, bool swap)
    {
        if ((rights & KeyRights.ReadOnly) != 0 || (swap && (rights & KeyRights.Opaque) != 0))
        {
            return invocation->Answer(InvocationResult.NoAccess);
        }

        if (slot >= Node.SlotCount || ProcessTable.IsPinnedRootSlot(invocation->Target, (int)slot) || IsOwnState(invocation, slot))
        {
            return invocation->Answer(InvocationResult.RequestError); // I2
        }

        if (!invocation->TryDirty(invocation->Target))
        {
            return invocation->Stalled();
        }

        // Commit point: nothing below fails. The old key is staged before the write (the sent key may be in that slot).
        if (swap)
        {
            SetFetched(invocation, rights, (int)slot);
        }

        KeySlots.Write(invocation->Target, (int)slot, key);
        return invocation->Answer(InvocationResult.Ok);
    }

    private static DispatchOutcome Clear(Invocation* invocation, KeyRights rights)
    {
        if ((rights & KeyRights.ReadOnly) != 0)
        {
            return invocation->Answer(InvocationResult.NoAccess);
        }

        if (ProcessTable.IsLoadedRoot(invocation->Target))
        {
            return invocation->Answer(InvocationResult.RequestError); // I2: slots 3 and 4 would go
        }

        if (!invocation->TryDirty(invocation->Target))
        {
            return invocation->Stalled();
        }

        // Commit point: nothing below fails.
        Node* body = Cache.NodeBody(invocation->Target);
        for (int slot = 0; slot < Node.SlotCount; slot++)
        {
            if (Node.Slot(body, slot)->Type != KeyType.Void)
            {
                KeySlots.Write(invocation->Target, slot, null);
            }
        }

        return invocation->Answer(InvocationResult.Ok);
    }

    /// <summary>
    /// Every slot gets a copy of the same slot of the node sent key 0 names, fetched through that key (I1: through a
    /// weak key weakened, through an opaque key nothing). Refused as <see cref="Clear"/> is; the source is read into
    /// a buffer first, so a node cloned from itself reads consistently.
    /// </summary>
    private static DispatchOutcome Clone(Invocation* invocation, KeyRights rights)
    {
        Key* sent = invocation->SentKey(0);
        if (sent == null || (sent->Type != KeyType.Node && sent->Type != KeyType.Segment))
        {
            return invocation->Answer(InvocationResult.RequestError);
        }

        KeyRights sentRights = sent->Rights;
        if ((rights & KeyRights.ReadOnly) != 0 || (sentRights & KeyRights.Opaque) != 0)
        {
            return invocation->Answer(InvocationResult.NoAccess);
        }

        if (ProcessTable.IsLoadedRoot(invocation->Target))
        {
            return invocation->Answer(InvocationResult.RequestError); // I2, as Clear
        }

        ObjectHeader* sourceFrame = Invocation.ObjectOf(sent);
        Cache.Pin(sourceFrame); // dirtying may copy a frozen target aside, which must not evict the source
        bool dirty = invocation->TryDirty(invocation->Target);
        Cache.Unpin(sourceFrame);
        if (!dirty)
        {
            return invocation->Stalled();
        }

        // Commit point: nothing below fails.
        Key* copies = stackalloc Key[Node.SlotCount];
        Node* source = Cache.NodeBody(sourceFrame);
        for (int slot = 0; slot < Node.SlotCount; slot++)
        {
            Key key = Invocation.DiskForm(Node.Slot(source, slot));
            copies[slot] = (sentRights & KeyRights.Weak) != 0 ? Weakened(key) : key;
        }

        for (int slot = 0; slot < Node.SlotCount; slot++)
        {
            KeySlots.Write(invocation->Target, slot, &copies[slot]);
        }

        return invocation->Answer(InvocationResult.Ok);
    }

    /// <summary>A new key to the node of <paramref name="type"/>: the invoked key's rights plus <paramref name="added"/> (I1).</summary>
    private static DispatchOutcome Make(Invocation* invocation, KeyType type, ushort keyData, ulong added)
    {
        if ((added & ~(ulong)KeyRights.All) != 0)
        {
            return invocation->Answer(InvocationResult.RequestError);
        }

        KeyRights rights = invocation->Key->Rights | (KeyRights)added;
        ObjectHeader* node = invocation->Target;
        invocation->SetReplyKey(0, Key.Object(type, node->Oid, node->AllocCount, rights, keyData));
        return invocation->Answer(InvocationResult.Ok);
    }

    /// <summary>Root slot 8 or 9 of the invoker itself: a reply would return to a process the write may have stopped (I2).</summary>
    private static bool IsOwnState(Invocation* invocation, ulong slot) =>
        invocation->Target == invocation->Invoker->RootFrame && (slot == ProcessRoot.State || slot == ProcessRoot.FaultInfo);

    /// <summary>Segment key data a holder may ask for: a height the walk accepts, optionally the red-segment flag, nothing else.</summary>
    private static bool IsSegmentKeyData(ulong keyData)
    {
        ulong height = keyData & 0xFF;
        return height >= 1 && height <= SegmentWalk.MaxHeight && (keyData & ~(0xFFUL | SegmentWalk.KeeperFlag)) == 0;
    }

    /// <summary>Stages slot <paramref name="slot"/> as reply key 0, weakened when the invoked key is weak (I1).</summary>
    private static void SetFetched(Invocation* invocation, KeyRights rights, int slot)
    {
        Key key = Invocation.DiskForm(Node.Slot(Cache.NodeBody(invocation->Target), slot));
        invocation->SetReplyKey(0, (rights & KeyRights.Weak) != 0 ? Weakened(key) : key);
    }
}
