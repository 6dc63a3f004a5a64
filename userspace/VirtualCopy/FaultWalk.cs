using CapOS.Kernel.Invocation;
using static CapOS.VirtualCopy.KeeperKeys;

namespace CapOS.VirtualCopy;

/// <summary>
/// Serving one fault (docs/services.md "Virtual copy keeper", "Theory of operation"): walk from the red node's slot 0
/// towards the offset, one level per iteration, making each slot on the way what the access needs. The tree keeps
/// V1 (every key below the red node is either writable, to an object bought from the segment's bank, or shared:
/// read-only and weak, to a template's or the zero space's objects), so a shared key is what must be copied and a
/// writable one is the segment's own.
/// </summary>
/// <remarks>
/// Per level, with the slot's key K and the child height ch (0: a page):
/// - K invalid there (void, a number, any other key, a red segment, a segment of height above ch): the slot gets
///   the zero space of height ch; a read needs nothing more;
/// - K a lower-height subtree (a segment of height below ch, or a page where ch &gt; 0): a node bought, cloned from the
///   zero space of height ch, K in its slot 0 (it covers the low end of that slot's span), written in the slot;
/// - K shared and exact: a read of the zero space needs nothing; otherwise a node is bought and cloned from K (K is
///   weak, so every key in the copy is shared), or, for a write to a page, a page bought and cloned (not when K is
///   the zero page: a bought page is zero);
/// - K writable and exact: descend (at a page: nothing to do, another fault got there first).
/// Every step is a kernel invocation or a bank call on this keeper's own registers and nodes; a checkpoint may come
/// between any two, and a keeper restarted from it carries on from there (the faulting process waits, its resume key
/// in register 31).
/// </remarks>
internal static class FaultWalk
{
    /// <summary>This fault's bank is in <see cref="KeeperKeys.Bank"/> (fetched and recognised).</summary>
    private static bool s_haveBank;

    /// <summary>The walk went down into a writable node of height 1, now in <see cref="KeeperKeys.Level"/>(1).</summary>
    private static bool s_reachedLevelOne;

    private static LastLeaf s_last;

    /// <summary>Forgets the last leaf: every maker order calls it (they use the walk's registers, and Freeze and Destroy change trees).</summary>
    public static void Forget() => s_last.Valid = false;

    /// <summary>
    /// Makes the address at <paramref name="offset"/> of the red segment in <see cref="KeeperKeys.Received"/> readable
    /// (and writable when <paramref name="write"/>). Ok, or why not: RequestError (beyond the space, a bank slot that
    /// holds no bank key, a template the keeper cannot copy), or the bank's NoMorePages / NoMoreNodes / Void.
    /// </summary>
    /// <remarks>
    /// V5, the last leaf: a fault in the 128 KiB span of the writable height-1 node the previous fault of the same red
    /// node went through starts there (its key is still in Level(1), the bank still in Bank), saving the walk's 14
    /// upper invocations. Sound because nothing this keeper does to a tree takes a writable node off a path except
    /// Freeze and Destroy, which forget it, and a fault that fails forgets it too.
    /// </remarks>
    public static InvocationResult Serve(bool write, ulong offset)
    {
        KeyShape red = Translate(Received);
        int top = red.Height;
        if (red.Type != TypeSegment || (red.KeyData & ~0xFFUL) != KeeperFlag || top < VirtualCopyProtocol.MinRedHeight
            || top > VirtualCopyProtocol.RedHeight || red.Rights != 0 || (offset >> SpanBits(top - 1)) != 0)
        {
            return InvocationResult.RequestError; // beyond the space, or a message on the keeper facet that is no fault of a red segment
        }

        ulong leaf = offset >> SpanBits(1);
        bool hit = s_last.Valid && s_last.Red == red.Oid && s_last.RedCount == red.Count && s_last.Leaf == leaf;
        s_haveBank = hit && s_last.HaveBank;
        s_reachedLevelOne = hit;
        s_last.Valid = false;
        InvocationResult result = Walk(write, offset, hit ? Level(1) : Received, hit ? 1 : top, -1);
        if (result == InvocationResult.Ok && s_reachedLevelOne)
        {
            s_last = new LastLeaf { Valid = true, Red = red.Oid, RedCount = red.Count, Leaf = leaf, HaveBank = s_haveBank };
        }

        return result;
    }

    /// <summary>
    /// <see cref="VirtualCopyProtocol.Map"/> (V9): the space in <see cref="KeeperKeys.Received"/> (a red node of
    /// <paramref name="space"/>) is made its own down to the slot of <paramref name="height"/> at
    /// <paramref name="offset"/>, as a write would; that slot gets the segment in <see cref="KeeperKeys.Received1"/>
    /// unless it holds something of the space's own or another red segment (RequestError, the slot unchanged).
    /// </summary>
    public static InvocationResult Map(ulong offset, int space, int height)
    {
        s_haveBank = false;
        s_reachedLevelOne = false;
        s_last.Valid = false;
        return Walk(true, offset, Received, space, height);
    }

    /// <summary>Serves a fault (<paramref name="mapAt"/> -1), or walks as a write down to the slot of height <paramref name="mapAt"/> and maps <see cref="KeeperKeys.Received1"/> there.</summary>
    private static InvocationResult Walk(bool write, ulong offset, byte node, int top, int mapAt)
    {
        for (int height = top; height > 0;)
        {
            int child = height - 1;
            int slot = (int)((offset >> SpanBits(child)) & 31);
            byte key = Level(child);
            CopySlot(node, slot, key);
            KeyShape shape = Translate(key);
            if (child == mapAt)
            {
                bool own = !shape.Shared && (shape.Type == TypePage || (shape.Type == TypeSegment && (shape.KeyData & KeeperFlag) == 0));
                bool mapped = shape.Type == TypeSegment && (shape.KeyData & KeeperFlag) != 0;
                if (own || mapped)
                {
                    return InvocationResult.RequestError; // the space's own objects, or a segment mapped already
                }

                SetSlot(node, slot, Received1);
                return InvocationResult.Ok;
            }

            if (!Fits(shape, child))
            {
                if (!write)
                {
                    SetSlot(node, slot, Zero(child)); // the part nothing covers reads zero
                    return InvocationResult.Ok;
                }

                key = Zero(child); // a write copies the zero space straight away
                shape = ZeroShape(child);
            }

            if (IsLower(shape, child))
            {
                InvocationResult grown = Expand(node, slot, key, child);
                if (grown != InvocationResult.Ok)
                {
                    return grown;
                }
            }
            else if (shape.Shared)
            {
                bool zero = shape.Oid == Program.ZeroOid(child);
                if (!write && (zero || child == 0))
                {
                    return InvocationResult.Ok; // reads of shared pages and the zero space need nothing
                }

                InvocationResult copied = Copy(node, slot, key, child, zero);
                if (copied != InvocationResult.Ok || child == 0)
                {
                    return copied;
                }
            }
            else if (child == 0)
            {
                return InvocationResult.Ok; // the page is the segment's own already
            }

            node = Level(child);
            height = child;
            s_reachedLevelOne |= child == 1;
        }

        return InvocationResult.Ok;
    }

    /// <summary>The last fault's leaf: the red node (OID, count), the 128 KiB span index, whether Bank holds its bank.</summary>
    private struct LastLeaf
    {
        public bool Valid;
        public ulong Red;
        public uint RedCount;
        public ulong Leaf;
        public bool HaveBank;
    }

    /// <summary>Whether <paramref name="shape"/> is something the walk can use in a slot whose span is of height <paramref name="child"/>.</summary>
    private static bool Fits(KeyShape shape, int child) =>
        shape.Type == TypePage || (shape.Type == TypeSegment && (shape.KeyData & KeeperFlag) == 0 && shape.Height >= 1 && shape.Height <= child);

    /// <summary>A key that covers only the low end of the slot's span.</summary>
    private static bool IsLower(KeyShape shape, int child) => child > 0 && (shape.Type == TypePage || shape.Height < child);

    private static KeyShape ZeroShape(int child) =>
        new(child == 0 ? TypePage | (ReadOnly << 8) : TypeSegment | ((ReadOnly | Weak | NoCall) << 8) | ((ulong)child << 16), Program.ZeroOid(child), 0);

    /// <summary>A node of height <paramref name="child"/> from the bank, zero everywhere but slot 0, which gets <paramref name="key"/>; it goes in the slot and in <see cref="KeeperKeys.Level"/>(child).</summary>
    private static InvocationResult Expand(byte node, int slot, byte key, int child)
    {
        InvocationResult bought = BuyFromSegmentBank(page: false);
        if (bought != InvocationResult.Ok)
        {
            return bought;
        }

        CloneNode(Bought, Zero(child));
        SetSlot(Bought, 0, key);
        MakeSegmentKey(Bought, child, 0, Level(child));
        SetSlot(node, slot, Level(child));
        return InvocationResult.Ok;
    }

    /// <summary>The shared <paramref name="key"/> in the slot becomes a writable key to a copy bought from the bank.</summary>
    private static InvocationResult Copy(byte node, int slot, byte key, int child, bool zero)
    {
        InvocationResult bought = BuyFromSegmentBank(page: child == 0);
        if (bought != InvocationResult.Ok)
        {
            return bought;
        }

        if (child == 0)
        {
            if (!zero && ClonePage(Bought, key) != InvocationResult.Ok)
            {
                return InvocationResult.RequestError;
            }

            SetSlot(node, slot, Bought);
            return InvocationResult.Ok;
        }

        if (CloneNode(Bought, key) != InvocationResult.Ok)
        {
            return InvocationResult.RequestError; // an opaque key in a template: its slots may not be read
        }

        MakeSegmentKey(Bought, child, 0, Level(child));
        SetSlot(node, slot, Level(child));
        return InvocationResult.Ok;
    }

    /// <summary>Buys from the bank in the red node's slot 30, fetched (and recognised as a bank key) at the first purchase of a fault.</summary>
    private static InvocationResult BuyFromSegmentBank(bool page)
    {
        if (!s_haveBank)
        {
            CopySlot(Received, VirtualCopyProtocol.BankSlot, Bank);
            if (!IsBankKey(Bank))
            {
                return InvocationResult.RequestError;
            }

            s_haveBank = true;
        }

        return Buy(Bank, page);
    }
}
