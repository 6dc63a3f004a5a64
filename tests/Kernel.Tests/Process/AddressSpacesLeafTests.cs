using CapOS.Kernel.Checkpoint;
using CapOS.Kernel.NodeTree;
using CapOS.Kernel.ObjectCache;
using CapOS.Kernel.Process;
using CapOS.Kernel.Tests.Checkpoint;
using Xunit;

namespace CapOS.Kernel.Tests.Process;

/// <summary>
/// The page-fault fast path (kernel/Process/AddressSpaces.Leaf.cs, L1 and L2): a read fault whose leaf entry alone
/// is missing is answered from the leaf table's producer down, with the entry and the depend records the general
/// walk makes; every other fault declines to the general walk with nothing changed.
/// </summary>
public sealed unsafe class AddressSpacesLeafTests
{
    private const ulong Page = 4096;

    /// <summary>
    /// Holder 0 -> h3 X(1), X.0 = h2 Z(2) (the leaf table's producer), Z.0 = h1 L(3) holding pages 0..3; holder 4 -> Z as
    /// height 3 (L then covers only the low 128 KiB of Z's slot 0); holder 5 -> h3 R(6), R.0 = h2 Q(7) whose slot 0 names
    /// L as a red segment (keeper flag; its keeper slot 31 is void, and pages 0..3 map as through Z).
    /// </summary>
    private static VolumeBuilder Tree()
    {
        var b = new VolumeBuilder();
        for (ulong p = 0; p < 6; p++)
        {
            b.Page(b.PageOid(p), SpaceRig.PageData(p), 1);
        }

        b.Node(b.NodeOid(0), new VolumeBuilder.NodeModel { AllocCount = 1 }.With(SpaceRig.Slot, SpaceRig.Segment(b.NodeOid(1), 3)));
        b.Node(b.NodeOid(1), new VolumeBuilder.NodeModel { AllocCount = 1 }.With(0, SpaceRig.Segment(b.NodeOid(2), 2)));
        b.Node(b.NodeOid(2), new VolumeBuilder.NodeModel { AllocCount = 1 }.With(0, SpaceRig.Segment(b.NodeOid(3), 1)));
        var leaves = new VolumeBuilder.NodeModel { AllocCount = 1 };
        for (int s = 0; s < 4; s++)
        {
            leaves.With(s, SpaceRig.PageKey(b.PageOid((ulong)s)));
        }

        b.Node(b.NodeOid(3), leaves);
        b.Node(b.NodeOid(4), new VolumeBuilder.NodeModel { AllocCount = 1 }.With(SpaceRig.Slot, SpaceRig.Segment(b.NodeOid(2), 3)));
        b.Node(b.NodeOid(5), new VolumeBuilder.NodeModel { AllocCount = 1 }.With(SpaceRig.Slot, SpaceRig.Segment(b.NodeOid(6), 3)));
        b.Node(b.NodeOid(6), new VolumeBuilder.NodeModel { AllocCount = 1 }.With(0, SpaceRig.Segment(b.NodeOid(7), 2)));
        b.Node(b.NodeOid(7), new VolumeBuilder.NodeModel { AllocCount = 1 }
            .With(0, Key.Object(KeyType.Segment, b.NodeOid(3), 1, KeyRights.None, (ushort)(1 | SegmentWalk.KeeperFlag))));
        return b;
    }

    private static readonly ulong[] s_addresses = [0, Page, 2 * Page, 3 * Page, 4 * Page, 128 * 1024];

    private static Oid NodeOid(SpaceRig rig, ulong n) => rig.Builder.NodeOid(n);

    private static ulong Body(SpaceRig rig, ulong page) => SpaceRig.Page(rig.Builder.PageOid(page))->Body;

    /// <summary>
    /// Touches pages 0..3 through the general walk, then zaps Z's slot 0 as a kernel write of the key it holds does
    /// (SlotChanged, the prepared key stays): the leaf entries go, the tables stay.
    /// </summary>
    private static (ulong Holder, ulong Root) BuiltAndZapped(SpaceRig rig)
    {
        var a = SpaceRig.Space(NodeOid(rig, 0));
        for (ulong p = 0; p < 4; p++)
        {
            Assert.Equal(Body(rig, p), rig.Touch(a, p * Page, write: false));
        }

        AddressSpaces.SlotChanged(SpaceRig.Node(NodeOid(rig, 2)), 0);
        Assert.NotEqual(0UL, SpaceRig.LeafTable(a.Root, 0));
        Assert.Null(rig.Mmu.Access(a.Root, 0, write: false));
        return a;
    }

    [Fact]
    public void LeafFastPathAgreesWithTheGeneralWalk()
    {
        using var rig = new SpaceRig(Tree());
        var a = BuiltAndZapped(rig);
        ulong rebuilds = AddressSpaces.LeafRebuilds;
        for (ulong p = 0; p < 4; p++)
        {
            Assert.Equal(Body(rig, p), rig.Touch(a, p * Page, write: false));
        }

        Assert.Equal(rebuilds + 4, AddressSpaces.LeafRebuilds);
        int leaf = MappingPool.IndexOf(SpaceRig.LeafTable(a.Root, 0));
        for (int p = 0; p < 4; p++)
        {
            Assert.True(MappingTable.ReadEntry(MappingPool.Physical((uint)leaf), p, out ulong target, out bool writable, out bool user));
            Assert.True(target == Body(rig, (ulong)p) && !writable && user, $"page {p}: the entry is not the general walk's");
            Assert.True(DependTable.Covers(SpaceRig.Node(NodeOid(rig, 2)), 0, (uint)leaf, p), $"page {p}: no record for Z's slot 0");
            Assert.True(DependTable.Covers(SpaceRig.Node(NodeOid(rig, 3)), p, (uint)leaf, p), $"page {p}: no record for L's slot");
        }

        rig.Judge([a], s_addresses, "after the fast path");

        // Its records work: changing L's slot 1 takes exactly page 1's entry away, and the new page comes in.
        SpaceRig.SetSlot(NodeOid(rig, 3), 1, SpaceRig.PageKey(rig.Builder.PageOid(5)));
        Assert.Null(rig.Mmu.Access(a.Root, Page, write: false));
        Assert.Equal(Body(rig, 0), rig.Mmu.Access(a.Root, 0, write: false));
        Assert.Equal(Body(rig, 5), rig.Touch(a, Page, write: false));
        rig.Judge([a], s_addresses, "after a slot change");
    }

    [Fact]
    public void EveryOtherFaultDeclinesToTheGeneralWalk()
    {
        using var rig = new SpaceRig(Tree());
        var a = BuiltAndZapped(rig);
        ulong rebuilds = AddressSpaces.LeafRebuilds;

        // A write fault: the general walk dirties the page and maps it writable.
        Assert.Equal(Body(rig, 0), rig.Touch(a, 0, write: true));
        Assert.True(SpaceRig.Page(rig.Builder.PageOid(0))->IsDirty);

        // A key not prepared (just written): the general walk prepares it.
        SpaceRig.SetSlot(NodeOid(rig, 3), 2, SpaceRig.PageKey(rig.Builder.PageOid(4)));
        Assert.Equal(Body(rig, 4), rig.Touch(a, 2 * Page, write: false));

        // Beyond a page key's page (slot 4 of L is void) and beyond the tree: invalid, nothing mapped.
        Assert.Equal(PageFaultResult.InvalidAddress, SpaceRig.Fault(a, 4 * Page, write: false));
        Assert.Equal(rebuilds, AddressSpaces.LeafRebuilds);

        // Holder 4 sees Z as height 3: L covers the low 128 KiB of Z's slot 0 only, the rest of the slot is invalid.
        var d = SpaceRig.Space(NodeOid(rig, 4));
        Assert.Equal(Body(rig, 3), rig.Touch(d, 3 * Page, write: false));
        Assert.Equal(PageFaultResult.InvalidAddress, SpaceRig.Fault(d, 128 * 1024, write: false));
        Assert.Equal(rebuilds, AddressSpaces.LeafRebuilds); // d's first fault built its tables: the general walk
        rig.Judge([a, d], s_addresses, "declined");

        // A red segment below the producer: the general walk maps it (the keeper takes only faults it cannot map).
        var e = SpaceRig.Space(NodeOid(rig, 5));
        Assert.Equal(Body(rig, 1), rig.Touch(e, Page, write: false));
        AddressSpaces.SlotChanged(SpaceRig.Node(NodeOid(rig, 7)), 0);
        Assert.Null(rig.Mmu.Access(e.Root, Page, write: false));
        Assert.Equal(Body(rig, 1), rig.Touch(e, Page, write: false));
        Assert.Equal(rebuilds, AddressSpaces.LeafRebuilds);
        rig.Judge([e], s_addresses, "red segment");
    }
}
