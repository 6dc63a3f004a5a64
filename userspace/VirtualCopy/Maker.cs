using CapOS.Kernel.Invocation;
using CapOS.Runtime;
using static CapOS.VirtualCopy.KeeperKeys;

namespace CapOS.VirtualCopy;

/// <summary>
/// The maker facet's orders (<see cref="VirtualCopyProtocol"/>; docs/services.md "Virtual copy keeper", "Protocol").
/// Each validates its keys before it buys or changes anything: a refused order changes nothing.
/// </summary>
internal static unsafe class Maker
{
    private const ulong TemplateRights = ReadOnly | Weak | NoCall;
    private const int SpaceHeight = VirtualCopyProtocol.RedHeight - 1;
    private const int RedKeyData = VirtualCopyProtocol.RedHeight | (int)KeeperFlag;

    /// <summary>A red node of <paramref name="height"/> (0: <see cref="VirtualCopyProtocol.RedHeight"/>) over the zero space of height - 1.</summary>
    public static InvocationResult CreateDemandZero(ulong height, InvocationMessage* answer)
    {
        height = height == 0 ? VirtualCopyProtocol.RedHeight : height;
        if (height < VirtualCopyProtocol.MinRedHeight || height > VirtualCopyProtocol.RedHeight || !IsBankKey(Received))
        {
            return InvocationResult.RequestError;
        }

        return CreateSegment(Zero((int)height - 1), (int)height, answer);
    }

    /// <summary>A red node over the template (sent 1: a segment key of height 1..7, not red, not opaque), shared through a read-only weak no-call key.</summary>
    public static InvocationResult CreateCopy(InvocationMessage* answer)
    {
        if (!IsBankKey(Received))
        {
            return InvocationResult.RequestError;
        }

        KeyShape template = Translate(Received1);
        if (template.Type != TypeSegment || template.Height < 1 || template.Height > SpaceHeight
            || (template.KeyData & KeeperFlag) != 0 || (template.Rights & Opaque) != 0)
        {
            return InvocationResult.RequestError;
        }

        MakeSegmentKey(Received1, template.Height, TemplateRights, Level(SpaceHeight));
        return CreateSegment(Level(SpaceHeight), VirtualCopyProtocol.RedHeight, answer);
    }

    /// <summary>A red node of <paramref name="height"/> from the bank in <see cref="KeeperKeys.Received"/>: slot 0 the space in <paramref name="space"/>, slot 30 the bank, slot 31 the keeper.</summary>
    private static InvocationResult CreateSegment(byte space, int height, InvocationMessage* answer)
    {
        InvocationResult bought = Buy(Received, page: false);
        if (bought != InvocationResult.Ok)
        {
            return bought; // NoMoreNodes, or Void from a dead bank: passed on
        }

        SetSlot(Bought, 0, space);
        SetSlot(Bought, VirtualCopyProtocol.BankSlot, Received);
        SetSlot(Bought, 31, KeeperFacet);
        MakeSegmentKey(Bought, height | (int)KeeperFlag, 0, Made);
        answer->SendKeys = Made;
        return InvocationResult.Ok;
    }

    /// <summary>
    /// The space as it is becomes a template: slot 0 gets a read-only weak no-call key of height 7 to it (a node bought
    /// first when slot 0 is not of height 7), which is also the reply. Writes from now on copy, so the template never
    /// changes again.
    /// </summary>
    public static InvocationResult Freeze(InvocationMessage* answer)
    {
        if (IsOurs(Received) != VirtualCopyProtocol.RedHeight)
        {
            return InvocationResult.RequestError;
        }

        byte space = Level(SpaceHeight);
        CopySlot(Received, 0, space);
        KeyShape shape = Translate(space);
        if (shape.Type != TypeSegment || shape.Height != SpaceHeight || (shape.KeyData & KeeperFlag) != 0)
        {
            CopySlot(Received, VirtualCopyProtocol.BankSlot, Bank);
            if (!IsBankKey(Bank))
            {
                return InvocationResult.RequestError;
            }

            InvocationResult bought = Buy(Bank, page: false);
            if (bought != InvocationResult.Ok)
            {
                return bought;
            }

            CloneNode(Bought, Zero(SpaceHeight));
            if (shape.Type == TypePage || (shape.Type == TypeSegment && (shape.KeyData & KeeperFlag) == 0 && shape.Height >= 1 && shape.Height < SpaceHeight))
            {
                SetSlot(Bought, 0, space); // a lower-height space covers the low end
            }

            MakeSegmentKey(Bought, SpaceHeight, 0, space);
        }

        MakeSegmentKey(space, SpaceHeight, TemplateRights, Made);
        SetSlot(Received, 0, Made);
        answer->SendKeys = Made;
        return InvocationResult.Ok;
    }

    /// <summary>Every object reached through writable keys below the red node goes back to the bank, deepest first, then the red node.</summary>
    public static InvocationResult Destroy()
    {
        int height = IsOurs(Received);
        if (height == 0)
        {
            return InvocationResult.RequestError;
        }

        CopySlot(Received, VirtualCopyProtocol.BankSlot, Bank);
        if (!IsBankKey(Bank))
        {
            return InvocationResult.RequestError;
        }

        ReclaimSlots(Received, height, 1);
        MakeNodeKey(Received, Made);
        Reclaim(page: false, Made);
        return InvocationResult.Ok;
    }

    /// <summary>
    /// Reclaims what slots 0..<paramref name="slots"/>-1 of the node in <paramref name="node"/> (of <paramref name="height"/>)
    /// own: pages and, after their own slots, nodes. A child goes in the register of height - 1; its children in
    /// registers of lower heights still (heights only go down), so no ancestor's register is overwritten.
    /// </summary>
    private static void ReclaimSlots(byte node, int height, int slots)
    {
        byte child = Level(height - 1);
        for (int slot = 0; slot < slots; slot++)
        {
            CopySlot(node, slot, child);
            KeyShape shape = Translate(child);
            if (shape.Shared)
            {
                continue;
            }

            if (shape.Type == TypePage)
            {
                Reclaim(page: true, child);
            }
            else if (shape.Type == TypeSegment && (shape.KeyData & KeeperFlag) == 0 && shape.Height >= 1 && shape.Height < height)
            {
                ReclaimSlots(child, shape.Height, 32);
                MakeNodeKey(child, Made);
                Reclaim(page: false, Made); // refused when the bank does not own it: not this segment's
            }
        }
    }

    /// <summary>
    /// The height of the red segment in <paramref name="register"/> when this keeper made it (keeper flag, a height
    /// <see cref="VirtualCopyProtocol.MinRedHeight"/>..<see cref="VirtualCopyProtocol.RedHeight"/>, no restricting
    /// rights, slot 31 the keeper facet); else 0.
    /// </summary>
    private static int IsOurs(byte register)
    {
        KeyShape red = Translate(register);
        if (red.Type != TypeSegment || (red.KeyData & ~0xFFUL) != KeeperFlag || red.Height < VirtualCopyProtocol.MinRedHeight
            || red.Height > VirtualCopyProtocol.RedHeight || (red.Rights & (ReadOnly | Weak | Opaque)) != 0)
        {
            return 0;
        }

        CopySlot(register, 31, Made);
        KeyShape keeper = Translate(Made);
        return keeper.Type == TypeStart && keeper.Oid == Program.SelfOid && keeper.Count == Program.SelfCount
            && keeper.KeyData == VirtualCopyProtocol.KeeperFacet ? red.Height : 0;
    }

    /// <summary>
    /// <see cref="VirtualCopyProtocol.Map"/>: the segment in <see cref="KeeperKeys.Received1"/> into the slot of its
    /// height at <paramref name="offset"/> of the space in <see cref="KeeperKeys.Received"/> (V9).
    /// </summary>
    public static InvocationResult Map(ulong offset)
    {
        int height = MapHeight(offset, out int space);
        return height == 0 ? InvocationResult.RequestError : FaultWalk.Map(offset, space, height);
    }

    /// <summary><see cref="VirtualCopyProtocol.Unmap"/>: the slot that holds the segment gets the zero space of its height back.</summary>
    public static InvocationResult Unmap(ulong offset)
    {
        int height = MapHeight(offset, out int space);
        if (height == 0)
        {
            return InvocationResult.RequestError;
        }

        KeyShape segment = Translate(Received1);
        byte node = Received;
        for (int level = space; level > height + 1; level--)
        {
            byte child = Level(level - 1);
            CopySlot(node, (int)((offset >> SpanBits(level - 1)) & 31), child);
            KeyShape shape = Translate(child);
            if (shape.Shared || shape.Type != TypeSegment || (shape.KeyData & KeeperFlag) != 0 || shape.Height != level - 1)
            {
                return InvocationResult.RequestError; // the path is not the space's own: nothing was mapped here
            }

            node = child;
        }

        int slot = (int)((offset >> SpanBits(height)) & 31);
        CopySlot(node, slot, Made);
        KeyShape held = Translate(Made);
        if (held.Type != TypeSegment || held.Oid != segment.Oid || held.Count != segment.Count || (held.KeyData & KeeperFlag) == 0)
        {
            return InvocationResult.RequestError;
        }

        SetSlot(node, slot, Zero(height));
        return InvocationResult.Ok;
    }

    /// <summary>The mapped segment's height when both keys are this keeper's, the segment lower than the space's slot 0 and the offset aligned inside it; else 0.</summary>
    private static int MapHeight(ulong offset, out int space)
    {
        space = IsOurs(Received);
        int height = space == 0 ? 0 : IsOurs(Received1);
        if (height == 0 || height >= space || (offset & ((1UL << SpanBits(height)) - 1)) != 0 || (offset >> SpanBits(space - 1)) != 0)
        {
            return 0;
        }

        return height;
    }
}
