using CapOS.Kernel.Checkpoint;
using CapOS.Kernel.NodeTree;
using CapOS.Kernel.ObjectCache;
using CapOS.Kernel.Process;
using CapOS.Kernel.Tests.Checkpoint;
using Xunit;

namespace CapOS.Kernel.Tests.Process;

/// <summary>
/// The page-fault fast path (kernel/Process/AddressSpaces.Leaf.cs, L1 to L3): a read fault whose leaf entry alone
/// is missing is answered from the leaf table's producer down, with the entry and the depend records the general
/// walk makes, and with fault-around: the other prepared page keys of the height-1 node mapped read-only under one
/// record of the node's slots; every other fault declines to the general walk with nothing changed.
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
        ulong around = AddressSpaces.AroundEntries;
        for (ulong p = 0; p < 4; p++)
        {
            Assert.Equal(Body(rig, p), rig.Touch(a, p * Page, write: false));
        }

        Assert.Equal(rebuilds + 1, AddressSpaces.LeafRebuilds); // page 0's fault mapped L's other pages (L3)
        Assert.Equal(around + 3, AddressSpaces.AroundEntries);
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

    /// <summary>
    /// L3: fault-around maps the prepared page keys of the faulting page's height-1 node read-only, and nothing else
    /// (a slot not prepared, a void slot, an entry already present stay as they are); a write of any slot of that node
    /// takes exactly that slot's entry away, and a write of the producer's slot above takes all of them.
    /// </summary>
    [Fact]
    public void FaultAroundEntriesGoWithAnySlotWriteOfTheirNode()
    {
        using var rig = new SpaceRig(Tree());

        // L's keys prepared by another space's walks (holder 4 enters Z at another height: other tables, other
        // records), so that in space a only page 3 has an entry and records of its own before the zap.
        var d = SpaceRig.Space(NodeOid(rig, 4));
        for (ulong p = 0; p < 4; p++)
        {
            Assert.Equal(Body(rig, p), rig.Touch(d, p * Page, write: false));
        }

        var a = SpaceRig.Space(NodeOid(rig, 0));
        Assert.Equal(Body(rig, 3), rig.Touch(a, 3 * Page, write: false));
        AddressSpaces.SlotChanged(SpaceRig.Node(NodeOid(rig, 2)), 0);
        Assert.Null(rig.Mmu.Access(a.Root, 3 * Page, write: false));

        // Slot 2 written (its key not prepared): fault-around leaves it to its own fault.
        SpaceRig.SetSlot(NodeOid(rig, 3), 2, SpaceRig.PageKey(rig.Builder.PageOid(4)));
        ulong around = AddressSpaces.AroundEntries;
        Assert.Equal(Body(rig, 3), rig.Touch(a, 3 * Page, write: false));
        Assert.Equal(around + 2, AddressSpaces.AroundEntries);
        int leaf = MappingPool.IndexOf(SpaceRig.LeafTable(a.Root, 0));
        foreach (int p in new[] { 0, 1, 3 })
        {
            Assert.True(MappingTable.ReadEntry(MappingPool.Physical((uint)leaf), p, out ulong target, out bool writable, out _), $"page {p} not mapped around");
            Assert.True(target == Body(rig, (ulong)p) && !writable, $"page {p}: not the page read-only");
        }

        Assert.False(MappingTable.ReadEntry(MappingPool.Physical((uint)leaf), 2, out _, out _, out _), "a key not prepared was mapped around");
        Assert.False(MappingTable.ReadEntry(MappingPool.Physical((uint)leaf), 4, out _, out _, out _), "a void slot was mapped around");
        rig.Judge([a, d], s_addresses, "after fault-around");

        // A write of each slot of L takes that entry alone away.
        foreach (int p in new[] { 0, 1, 3 })
        {
            SpaceRig.SetSlot(NodeOid(rig, 3), p, SpaceRig.PageKey(rig.Builder.PageOid(5)));
            Assert.Null(rig.Mmu.Access(a.Root, (ulong)p * Page, write: false));
            foreach (int q in new[] { 0, 1, 3 })
            {
                if (q > p)
                {
                    Assert.Equal(Body(rig, (ulong)q), rig.Mmu.Access(a.Root, (ulong)q * Page, write: false));
                }
            }

            rig.Judge([a, d], s_addresses, $"after L's slot {p} changed");
        }

        // Every key of L prepared again (each page's own fault), then Z's slot 0 takes every entry under it, and one
        // fault maps them all again.
        for (ulong p = 0; p < 4; p++)
        {
            Assert.Equal(Body(rig, p == 2 ? 4UL : 5UL), rig.Touch(a, p * Page, write: false));
        }

        AddressSpaces.SlotChanged(SpaceRig.Node(NodeOid(rig, 2)), 0);
        for (ulong p = 0; p < 4; p++)
        {
            Assert.Null(rig.Mmu.Access(a.Root, p * Page, write: false));
        }

        Assert.Equal(Body(rig, 5), rig.Touch(a, Page, write: false));
        for (ulong p = 0; p < 4; p++)
        {
            Assert.Equal(Body(rig, p == 2 ? 4UL : 5UL), rig.Mmu.Access(a.Root, p * Page, write: false));
        }

        rig.Judge([a], s_addresses, "after Z's slot 0 changed");

        // The entries mapped around depend on Z's slot 0 too: the record of that slot covers its whole span.
        AddressSpaces.SlotChanged(SpaceRig.Node(NodeOid(rig, 2)), 0);
        for (ulong p = 0; p < 4; p++)
        {
            Assert.Null(rig.Mmu.Access(a.Root, p * Page, write: false));
        }
    }

    /// <summary>
    /// A height-1 node whose only depend records the fast path made (fault-around's one-to-one record, no record by
    /// the general walk): holder 0 -> h3 X(1), X.0 = h2 Z(2), Z.0 = h1 L(3) holding pages 0..1, Z.1 = h1 M(4) holding
    /// pages 2..3. The general walk builds the leaf table for L's page; M's pages come in by the fast path only. A write
    /// of M's slot must still take its entry away (P9: a node a record names is flagged Depended, whichever kind of
    /// record; a node not flagged skips the depend table on a slot write).
    /// </summary>
    [Fact]
    public void ANodeOnlyTheFastPathRecordedStillLosesItsEntriesOnASlotWrite()
    {
        var b = new VolumeBuilder();
        for (ulong p = 0; p < 6; p++)
        {
            b.Page(b.PageOid(p), SpaceRig.PageData(p), 1);
        }

        b.Node(b.NodeOid(0), new VolumeBuilder.NodeModel { AllocCount = 1 }.With(SpaceRig.Slot, SpaceRig.Segment(b.NodeOid(1), 3)));
        b.Node(b.NodeOid(1), new VolumeBuilder.NodeModel { AllocCount = 1 }.With(0, SpaceRig.Segment(b.NodeOid(2), 2)));
        b.Node(b.NodeOid(2), new VolumeBuilder.NodeModel { AllocCount = 1 }
            .With(0, SpaceRig.Segment(b.NodeOid(3), 1)).With(1, SpaceRig.Segment(b.NodeOid(4), 1)));
        b.Node(b.NodeOid(3), new VolumeBuilder.NodeModel { AllocCount = 1 }
            .With(0, SpaceRig.PageKey(b.PageOid(0))).With(1, SpaceRig.PageKey(b.PageOid(1))));
        b.Node(b.NodeOid(4), new VolumeBuilder.NodeModel { AllocCount = 1 }
            .With(0, SpaceRig.PageKey(b.PageOid(2))).With(1, SpaceRig.PageKey(b.PageOid(3))));
        using var rig = new SpaceRig(b);

        var a = SpaceRig.Space(NodeOid(rig, 0));
        Assert.Equal(Body(rig, 0), rig.Touch(a, 0, write: false)); // the general walk: the leaf table, produced by Z
        ulong rebuilds = AddressSpaces.LeafRebuilds;
        const ulong M = 32 * Page; // M's first page
        Assert.Equal(Body(rig, 2), rig.Touch(a, M, write: false));
        Assert.Equal(Body(rig, 3), rig.Touch(a, M + Page, write: false)); // M's slot 1 was not prepared: a fault of its own
        Assert.Equal(rebuilds + 2, AddressSpaces.LeafRebuilds); // both by the fast path
        Assert.True((SpaceRig.Node(NodeOid(rig, 4))->Flags & ObjectFlags.Depended) != 0, "M is named by records but not flagged");

        SpaceRig.SetSlot(NodeOid(rig, 4), 1, SpaceRig.PageKey(rig.Builder.PageOid(5)));
        Assert.Null(rig.Mmu.Access(a.Root, M + Page, write: false)); // not the old page any more
        Assert.Equal(Body(rig, 2), rig.Mmu.Access(a.Root, M, write: false));
        Assert.Equal(Body(rig, 5), rig.Touch(a, M + Page, write: false));
        SpaceRig.SetSlot(NodeOid(rig, 4), 0, SpaceRig.PageKey(rig.Builder.PageOid(4)));
        Assert.Null(rig.Mmu.Access(a.Root, M, write: false));
        Assert.Equal(Body(rig, 4), rig.Touch(a, M, write: false));
    }

    /// <summary>
    /// L2, the producer entered through a red key: holder 0 -> h3 X(1), X.0 = a red key to h2 Z(2) (keeper flag), Z.0 = h1
    /// L(3) with page 0, Z.16 = h1 M(4) with page 1 (the second leaf table's first page), and Z.31, Z's keeper slot, =
    /// a plain key to h1 N(5) with pages 2 and 3. The general walk maps nothing through a red node's slot 31; Z produces
    /// both leaf tables, and the fast path starts at Z without seeing the red key, so it must leave those tables alone:
    /// N's pages are never mapped, neither by a fault at their address nor around another fault.
    /// </summary>
    [Fact]
    public void AProducerEnteredThroughARedKeyNeverMapsItsKeeperSlot()
    {
        var b = new VolumeBuilder();
        for (ulong p = 0; p < 4; p++)
        {
            b.Page(b.PageOid(p), SpaceRig.PageData(p), 1);
        }

        b.Node(b.NodeOid(0), new VolumeBuilder.NodeModel { AllocCount = 1 }.With(SpaceRig.Slot, SpaceRig.Segment(b.NodeOid(1), 3)));
        b.Node(b.NodeOid(1), new VolumeBuilder.NodeModel { AllocCount = 1 }
            .With(0, Key.Object(KeyType.Segment, b.NodeOid(2), 1, KeyRights.None, (ushort)(2 | SegmentWalk.KeeperFlag))));
        b.Node(b.NodeOid(2), new VolumeBuilder.NodeModel { AllocCount = 1 }
            .With(0, SpaceRig.Segment(b.NodeOid(3), 1)).With(16, SpaceRig.Segment(b.NodeOid(4), 1)).With(31, SpaceRig.Segment(b.NodeOid(5), 1)));
        b.Node(b.NodeOid(3), new VolumeBuilder.NodeModel { AllocCount = 1 }.With(0, SpaceRig.PageKey(b.PageOid(0))));
        b.Node(b.NodeOid(4), new VolumeBuilder.NodeModel { AllocCount = 1 }.With(0, SpaceRig.PageKey(b.PageOid(1))));
        b.Node(b.NodeOid(5), new VolumeBuilder.NodeModel { AllocCount = 1 }
            .With(0, SpaceRig.PageKey(b.PageOid(2))).With(1, SpaceRig.PageKey(b.PageOid(3))));
        using var rig = new SpaceRig(b);

        const ulong Slot16 = 16 * 32 * Page, Slot31 = 31 * 32 * Page;
        var a = SpaceRig.Space(NodeOid(rig, 0));
        Assert.Equal(Body(rig, 0), rig.Touch(a, 0, write: false));
        Assert.Equal(Body(rig, 1), rig.Touch(a, Slot16, write: false)); // the general walk built the table of Z's slots 16..31

        // N's keys prepared, as a walk through a plain key to Z would leave them.
        Assert.Equal(CacheResult.Ok, Cache.PrepareKey(SpaceRig.SlotOf(SpaceRig.Node(NodeOid(rig, 2)), 31), out _));
        Assert.Equal(CacheResult.Ok, Cache.PrepareKey(SpaceRig.SlotOf(SpaceRig.Node(NodeOid(rig, 5)), 0), out _));
        Assert.Equal(CacheResult.Ok, Cache.PrepareKey(SpaceRig.SlotOf(SpaceRig.Node(NodeOid(rig, 5)), 1), out _));

        ulong rebuilds = AddressSpaces.LeafRebuilds;
        Assert.Equal(PageFaultResult.InvalidAddress, SpaceRig.Fault(a, Slot31, write: false));
        Assert.Null(rig.Mmu.Access(a.Root, Slot31, write: false));
        Assert.Null(rig.Mmu.Access(a.Root, Slot31 + Page, write: false));

        // Another fault under the same leaf table (M's page, its entry zapped) maps nothing of N around it either.
        AddressSpaces.SlotChanged(SpaceRig.Node(NodeOid(rig, 4)), 0);
        Assert.Equal(Body(rig, 1), rig.Touch(a, Slot16, write: false));
        Assert.Null(rig.Mmu.Access(a.Root, Slot31, write: false));
        Assert.Null(rig.Mmu.Access(a.Root, Slot31 + Page, write: false));
        Assert.Equal(rebuilds, AddressSpaces.LeafRebuilds); // the fast path left Z's tables alone
        rig.Judge([a], [0, Slot16, Slot31, Slot31 + Page], "red producer");
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

        // A key not prepared (just written) whose page is cached: the fast path prepares it (L4), as the walk would.
        SpaceRig.SetSlot(NodeOid(rig, 3), 2, SpaceRig.PageKey(rig.Builder.PageOid(4)));
        Assert.Equal(Body(rig, 4), rig.Touch(a, 2 * Page, write: false));
        Assert.True(SpaceRig.SlotOf(SpaceRig.Node(NodeOid(rig, 3)), 2)->IsPrepared);
        Assert.Equal(rebuilds + 1, AddressSpaces.LeafRebuilds);
        rebuilds = AddressSpaces.LeafRebuilds;

        // A key not prepared with a stale AllocCount (its page cached): the fast path leaves it, the walk finds nothing.
        SpaceRig.SetSlot(NodeOid(rig, 3), 2, SpaceRig.PageKey(rig.Builder.PageOid(4), allocCount: 2));
        Assert.Equal(PageFaultResult.InvalidAddress, SpaceRig.Fault(a, 2 * Page, write: false));
        Assert.False(SpaceRig.SlotOf(SpaceRig.Node(NodeOid(rig, 3)), 2)->IsPrepared);

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
