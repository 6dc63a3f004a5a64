using System.Collections.Generic;
using System.Linq;
using CapOS.Kernel.Checkpoint;
using CapOS.Kernel.NodeTree;
using CapOS.Kernel.ObjectCache;
using CapOS.Kernel.Process;
using CapOS.Kernel.Tests.Checkpoint;
using Xunit;

namespace CapOS.Kernel.Tests.Process;

/// <summary>
/// Translations from node trees (docs/process.md P5-P8): faults, depend invalidation, producer sharing,
/// eviction, the snapshot's write-protection, pool exhaustion. The simulated MMU (with its TLB) is the judge.
/// </summary>
public sealed unsafe class AddressSpacesTests
{
    private const ulong Page = 4096;
    private const ulong H2 = 4 * 1024 * 1024;

    /// <summary>
    /// Space A: holder 0 -> h3 node X(1), X.0 = h2 Z(4). Space B: holder 2 -> h3 Y(3), Y.1 = h2 Z. Space C:
    /// holder 7 -> h2 Z. Space D: holder 8 -> Z as a height-3 segment (slot 0's h1 node then covers only the
    /// low 128 KiB of a 4 MiB slot). Space E: holder 10 -> h2 W(9) whose 32 slots all hold h1 L (many depend records). Z.0 = h1 L(5) (pages 0..3), Z.1 = h1 M(6) (page 4). Pages 5, 6 are spare.
    /// </summary>
    private static VolumeBuilder Tree()
    {
        var b = new VolumeBuilder();
        for (ulong p = 0; p < 7; p++)
        {
            b.Page(b.PageOid(p), SpaceRig.PageData(p), 1);
        }

        b.Node(b.NodeOid(0), new VolumeBuilder.NodeModel { AllocCount = 1 }.With(SpaceRig.Slot, SpaceRig.Segment(b.NodeOid(1), 3)));
        b.Node(b.NodeOid(1), new VolumeBuilder.NodeModel { AllocCount = 1 }.With(0, SpaceRig.Segment(b.NodeOid(4), 2)));
        b.Node(b.NodeOid(2), new VolumeBuilder.NodeModel { AllocCount = 1 }.With(SpaceRig.Slot, SpaceRig.Segment(b.NodeOid(3), 3)));
        b.Node(b.NodeOid(3), new VolumeBuilder.NodeModel { AllocCount = 1 }.With(1, SpaceRig.Segment(b.NodeOid(4), 2)));
        b.Node(b.NodeOid(4), new VolumeBuilder.NodeModel { AllocCount = 1 }
            .With(0, SpaceRig.Segment(b.NodeOid(5), 1))
            .With(1, SpaceRig.Segment(b.NodeOid(6), 1)));
        var leaves = new VolumeBuilder.NodeModel { AllocCount = 1 };
        for (int s = 0; s < 4; s++)
        {
            leaves.With(s, SpaceRig.PageKey(b.PageOid((ulong)s)));
        }

        b.Node(b.NodeOid(5), leaves);
        b.Node(b.NodeOid(6), new VolumeBuilder.NodeModel { AllocCount = 1 }.With(0, SpaceRig.PageKey(b.PageOid(4))));
        b.Node(b.NodeOid(7), new VolumeBuilder.NodeModel { AllocCount = 1 }.With(SpaceRig.Slot, SpaceRig.Segment(b.NodeOid(4), 2)));
        b.Node(b.NodeOid(8), new VolumeBuilder.NodeModel { AllocCount = 1 }.With(SpaceRig.Slot, SpaceRig.Segment(b.NodeOid(4), 3)));
        var wide = new VolumeBuilder.NodeModel { AllocCount = 1 };
        for (int s = 0; s < 32; s++)
        {
            wide.With(s, SpaceRig.Segment(b.NodeOid(5), 1));
        }

        b.Node(b.NodeOid(9), wide);
        b.Node(b.NodeOid(10), new VolumeBuilder.NodeModel { AllocCount = 1 }.With(SpaceRig.Slot, SpaceRig.Segment(b.NodeOid(9), 2)));
        return b;
    }

    private static readonly ulong[] s_addresses = [0, Page, 2 * Page, 3 * Page, 4 * Page, 128 * 1024, H2, H2 + Page, H2 + (3 * Page), H2 + (128 * 1024)];

    private static ulong Body(SpaceRig rig, ulong page) => SpaceRig.Page(rig.Builder.PageOid(page))->Body;

    private static ObjectHeader* NodeOf(SpaceRig rig, ulong node) => SpaceRig.Node(rig.Builder.NodeOid(node));

    [Fact]
    public void AReadFaultMapsReadOnlyAndAWriteFaultMapsWritableOnlyAfterDirtying()
    {
        using var rig = new SpaceRig(Tree());
        var a = SpaceRig.Space(rig.Builder.NodeOid(0));
        Assert.Equal(Body(rig, 0) + 5, rig.Touch(a, 5, write: false));
        Assert.False(SpaceRig.Page(rig.Builder.PageOid(0))->IsDirty);
        Assert.Null(rig.Mmu.Access(a.Root, 5, write: true));
        Assert.Equal(Body(rig, 0) + 5, rig.Touch(a, 5, write: true));
        Assert.True(SpaceRig.Page(rig.Builder.PageOid(0))->IsDirty);
        Assert.Equal(1u, WritableMappings.Count);
        rig.Judge([a], s_addresses);
    }

    [Fact]
    public void ChangingASlotRemovesExactlyTheMappingsBuiltFromIt()
    {
        using var rig = new SpaceRig(Tree());
        var a = SpaceRig.Space(rig.Builder.NodeOid(0));
        for (ulong p = 0; p < 4; p++)
        {
            Assert.Equal(Body(rig, p), rig.Touch(a, p * Page, write: false));
        }

        ulong flushes = rig.Mmu.FullInvalidations;
        SpaceRig.SetSlot(rig.Builder.NodeOid(5), 1, SpaceRig.PageKey(rig.Builder.PageOid(5)));
        Assert.True(rig.Mmu.FullInvalidations > flushes);
        Assert.False(SimulatedWalk(a.Root, Page));
        Assert.True(SimulatedWalk(a.Root, 0) && SimulatedWalk(a.Root, 2 * Page) && SimulatedWalk(a.Root, 3 * Page));
        Assert.Equal(Body(rig, 5), rig.Touch(a, Page, write: false));

        // A slot higher up: Z's slot 0 produced every page entry below it (a one-slot run of entries).
        SpaceRig.SetSlot(rig.Builder.NodeOid(4), 0, Key.Void);
        for (ulong p = 0; p < 4; p++)
        {
            Assert.False(SimulatedWalk(a.Root, p * Page));
        }

        Assert.Null(rig.Touch(a, 0, write: false));
        rig.Judge([a], s_addresses);
    }

    [Fact]
    public void TwoSpacesOverOneSegmentShareItsTablesAndAChangeReachesBoth()
    {
        using var rig = new SpaceRig(Tree());
        var a = SpaceRig.Space(rig.Builder.NodeOid(0));
        var b = SpaceRig.Space(rig.Builder.NodeOid(2));
        var c = SpaceRig.Space(rig.Builder.NodeOid(7));
        Assert.Equal(Body(rig, 2), rig.Touch(a, 2 * Page, write: false));
        uint free = MappingPool.FreeCount;
        Assert.Equal(Body(rig, 2), rig.Touch(b, H2 + (2 * Page), write: false));
        Assert.Equal(Body(rig, 2), rig.Touch(c, 2 * Page, write: false));
        ulong leaf = SpaceRig.LeafTable(a.Root, 2 * Page);
        Assert.NotEqual(0UL, leaf);
        Assert.Equal(leaf, SpaceRig.LeafTable(b.Root, H2 + (2 * Page)));
        Assert.Equal(leaf, SpaceRig.LeafTable(c.Root, 2 * Page));
        Assert.Equal(free - 2 - 2, MappingPool.FreeCount); // B: its own level 2 and 1 tables (products of Y); C: those of Z; the leaf is shared

        Assert.Equal(Body(rig, 3), rig.Touch(a, 3 * Page, write: false));
        Assert.Equal(Body(rig, 3), rig.Mmu.Access(b.Root, H2 + (3 * Page), write: false));

        SpaceRig.SetSlot(rig.Builder.NodeOid(5), 2, Key.Void);
        Assert.Null(rig.Mmu.Access(a.Root, 2 * Page, write: false));
        Assert.Null(rig.Mmu.Access(b.Root, H2 + (2 * Page), write: false));
        Assert.Null(rig.Mmu.Access(c.Root, 2 * Page, write: false));
        Assert.Equal(Body(rig, 3), rig.Mmu.Access(b.Root, H2 + (3 * Page), write: false));
        rig.Judge([a, b, c], s_addresses);
    }

    [Fact]
    public void ANodeEnteredAtTwoHeightsProducesTwoSetsOfTables()
    {
        using var rig = new SpaceRig(Tree());
        var c = SpaceRig.Space(rig.Builder.NodeOid(7));
        var d = SpaceRig.Space(rig.Builder.NodeOid(8));
        Assert.Equal(Body(rig, 4), rig.Touch(c, 128 * 1024, write: false));
        Assert.Equal(Body(rig, 0), rig.Touch(d, 0, write: false));
        Assert.Null(rig.Touch(d, 128 * 1024, write: false));
        Assert.NotEqual(SpaceRig.LeafTable(c.Root, 0), SpaceRig.LeafTable(d.Root, 0));
        rig.Judge([c, d], s_addresses);
    }

    [Fact]
    public void SwappingTheAddressSpaceKeyRemovesEveryMappingOfTheOldSpace()
    {
        using var rig = new SpaceRig(Tree());
        var c = SpaceRig.Space(rig.Builder.NodeOid(7));
        Assert.Equal(Body(rig, 0), rig.Touch(c, 0, write: false));
        Assert.Equal(Body(rig, 4), rig.Touch(c, 128 * 1024, write: false));

        // A page key as the whole space: its tables are produced by the holder, and depend on its slot.
        SpaceRig.SetSlot(rig.Builder.NodeOid(7), SpaceRig.Slot, SpaceRig.PageKey(rig.Builder.PageOid(5)));
        Assert.Null(rig.Mmu.Access(c.Root, 0, write: false));
        Assert.Null(rig.Mmu.Access(c.Root, 128 * 1024, write: false));
        Assert.Equal(Body(rig, 5), rig.Touch(c, 0, write: true));
        Assert.Null(rig.Touch(c, Page, write: false));
        rig.Judge([c], s_addresses);

        SpaceRig.SetSlot(rig.Builder.NodeOid(7), SpaceRig.Slot, SpaceRig.PageKey(rig.Builder.PageOid(6), KeyRights.ReadOnly));
        Assert.Null(rig.Mmu.Access(c.Root, 0, write: false));
        Assert.Equal(PageFaultResult.AccessFault, SpaceRig.Fault(c, 0, write: true));
        Assert.Equal(Body(rig, 6), rig.Touch(c, 0, write: false));

        SpaceRig.SetSlot(rig.Builder.NodeOid(7), SpaceRig.Slot, SpaceRig.Segment(rig.Builder.NodeOid(4), 2));
        Assert.Null(rig.Mmu.Access(c.Root, 0, write: false));
        Assert.Equal(Body(rig, 1), rig.Touch(c, Page, write: false));
        Assert.Equal(Body(rig, 0), rig.Touch(c, 0, write: false));
        rig.Judge([c], s_addresses);
    }

    [Fact]
    public void EvictingANodeRemovesItsDependentsAndProducts()
    {
        using var rig = new SpaceRig(Tree());
        var a = SpaceRig.Space(rig.Builder.NodeOid(0));
        var b = SpaceRig.Space(rig.Builder.NodeOid(2));
        Assert.NotNull(rig.Touch(a, 0, write: false));
        Assert.NotNull(rig.Touch(b, H2 + Page, write: false));

        Assert.True(Cache.Evict(NodeOf(rig, 5)));
        Assert.False(SimulatedWalk(a.Root, 0));
        Assert.False(SimulatedWalk(b.Root, H2 + Page));
        rig.Judge([a, b], s_addresses);

        Assert.NotNull(rig.Touch(a, 0, write: false));
        uint free = MappingPool.FreeCount;
        uint depends = DependTable.Used;
        Assert.True(Cache.Evict(NodeOf(rig, 4)));
        Assert.Equal(free + 1, MappingPool.FreeCount); // Z produced the shared leaf table
        Assert.True(DependTable.Used < depends);
        rig.Judge([a, b], s_addresses);
        Assert.Equal(Body(rig, 1), rig.Touch(a, Page, write: false));
        Assert.Equal(Body(rig, 1), rig.Touch(b, H2 + Page, write: false));
        rig.Judge([a, b], s_addresses);
    }

    [Fact]
    public void EvictingAPageRemovesEveryMappingOfIt()
    {
        using var rig = new SpaceRig(Tree());
        var a = SpaceRig.Space(rig.Builder.NodeOid(0));
        var c = SpaceRig.Space(rig.Builder.NodeOid(7));
        Assert.NotNull(rig.Touch(a, 0, write: false));
        Assert.NotNull(rig.Touch(c, 0, write: false));
        Assert.NotNull(rig.Touch(a, Page, write: false));
        Assert.True(Cache.Evict(SpaceRig.Page(rig.Builder.PageOid(0))));
        Assert.Null(rig.Mmu.Access(a.Root, 0, write: false));
        Assert.Null(rig.Mmu.Access(c.Root, 0, write: false));
        Assert.NotNull(rig.Mmu.Access(a.Root, Page, write: false));
        ulong? again = rig.Touch(a, 0, write: false);
        Assert.NotNull(again);
        Assert.Equal(1, Machine.PhysicalToVirtual(again!.Value)[0]);
        rig.Judge([a, c], s_addresses);
    }

    [Fact]
    public void SnapshotWriteProtectsAndAWriteRefaultsThroughCopyOnWrite()
    {
        using var rig = new SpaceRig(Tree());
        var a = SpaceRig.Space(rig.Builder.NodeOid(0));
        ulong physical = rig.Touch(a, 0, write: true)!.Value;
        Machine.PhysicalToVirtual(physical)[0] = 0x77;
        ObjectHeader* page = SpaceRig.Page(rig.Builder.PageOid(0));

        Assert.NotEqual(0UL, Checkpointer.TakeCheckpoint());
        Assert.True(Cache.IsFrozen(page) && !Cache.IsDirtyNow(page) && !page->IsPending); // frozen, not recorded yet
        Assert.Null(rig.Mmu.Access(a.Root, 0, write: true));
        Assert.Equal(physical, rig.Mmu.Access(a.Root, 0, write: false));
        Assert.Equal(CheckFailure.None, ConsistencyCheck.RunStructural());
        rig.Judge([a], s_addresses);

        // The first write records the frozen page (I13), then copies it aside (it is not with the writer yet).
        uint copies = Snapshot.CopiesMade;
        Assert.Equal(physical, rig.Touch(a, 0, write: true));
        Assert.True(page->IsDirty && page->IsPending && !Cache.IsFrozen(page));
        Assert.Equal(copies + 1, Snapshot.CopiesMade);
        Machine.PhysicalToVirtual(physical)[0] = 0x88;
        rig.Judge([a], s_addresses);
        Checkpointer.Drain();
        Assert.Equal(0x88, Machine.PhysicalToVirtual(physical)[0]);
    }

    [Fact]
    public void AWriteToAFrozenPageWhoseImageIsInFlightStallsUntilItIsWritten()
    {
        using var rig = new SpaceRig(Tree());
        var a = SpaceRig.Space(rig.Builder.NodeOid(0));
        ulong physical = rig.Touch(a, 0, write: true)!.Value;
        Assert.NotEqual(0UL, Checkpointer.TakeCheckpoint());
        CheckpointerTestRig.BuildSnapshot();
        CheckpointWriter.Pump(); // submits the image: no copy aside any more
        Assert.Equal(PageFaultResult.StallImageWrite, SpaceRig.Fault(a, 0, write: true));
        Assert.Null(rig.Mmu.Access(a.Root, 0, write: true));
        Assert.Equal(physical, rig.Mmu.Access(a.Root, 0, write: false));
        for (int i = 0; i < 1000 && !CheckpointWriter.ImageWritten(0); i++)
        {
            CheckpointWriter.Pump();
        }

        Assert.Equal(physical, rig.Touch(a, 0, write: true));
        Assert.Equal(0u, Snapshot.CopiesMade);
        rig.Judge([a], s_addresses);
    }

    [Fact]
    public void ConsistencyCheckC7FindsAWritableMappingOfACleanPage()
    {
        using var rig = new SpaceRig(Tree());
        var a = SpaceRig.Space(rig.Builder.NodeOid(0));
        Assert.NotNull(rig.Touch(a, Page, write: true));
        Assert.Equal(CheckFailure.None, ConsistencyCheck.RunStructural());
        Cache.MarkClean(SpaceRig.Page(rig.Builder.PageOid(1)));
        Assert.Equal(CheckFailure.WritableMapping, ConsistencyCheck.RunStructural());
        Assert.Equal(rig.Builder.PageOid(1), ConsistencyCheck.FailedOid);
        AddressSpaces.WriteProtectAll();
        Assert.Equal(CheckFailure.None, ConsistencyCheck.RunStructural());
    }

    [Fact]
    public void PoolExhaustionDropsEverythingAndRebuildsIdentically()
    {
        using var rig = new SpaceRig(Tree(), tables: 5);
        var a = SpaceRig.Space(rig.Builder.NodeOid(0));
        var b = SpaceRig.Space(rig.Builder.NodeOid(2));
        for (int round = 0; round < 3; round++)
        {
            foreach (ulong address in s_addresses)
            {
                (WalkOutcome outcome, ulong page, _) = SpaceRig.FreshWalk(a, address);
                Assert.Equal(outcome == WalkOutcome.Success ? page + (address & 0xFFF) : null, rig.Touch(a, address, write: false));
                (outcome, page, _) = SpaceRig.FreshWalk(b, address);
                Assert.Equal(outcome == WalkOutcome.Success ? page + (address & 0xFFF) : null, rig.Touch(b, address, write: false));
                rig.Judge([a, b], s_addresses);
            }
        }

        Assert.True(AddressSpaces.Drops > 0);
        Assert.Equal(MappingPool.Count, MappingPool.FreeCount + 2 + (uint)Enumerable.Range(0, (int)MappingPool.Count).Count(t => MappingPool.Kind((uint)t) == MappingTableKind.Product));
        AddressSpaces.DropAll();
        Assert.Equal(3u, MappingPool.FreeCount);
        Assert.Equal(0u, DependTable.Used);
        Assert.Null(rig.Mmu.Access(a.Root, 0, write: false));
        Assert.Equal(Body(rig, 0), rig.Touch(a, 0, write: false));
    }

    [Fact]
    public void StallsAreDistinctFromFaultsAndInstallNothing()
    {
        using var rig = new SpaceRig(Tree());
        var a = SpaceRig.Space(rig.Builder.NodeOid(0));
        uint written = (uint)rig.Mmu.EntryWrites;
        Cache.DirtyLimit = Cache.DirtyCount;
        Assert.Equal(PageFaultResult.StallLogSpace, SpaceRig.Fault(a, 0, write: true));
        Assert.False(SimulatedWalk(a.Root, 0));
        Cache.DirtyLimit = uint.MaxValue;

        Assert.Equal(PageFaultResult.InvalidAddress, SpaceRig.Fault(a, 5 * Page, write: false));
        Assert.Equal(PageFaultResult.InvalidAddress, SpaceRig.Fault(a, MappingTable.UserAddressLimit, write: false));
        Assert.Equal(written, (uint)rig.Mmu.EntryWrites);

        Assert.True(Cache.Evict(NodeOf(rig, 6)));
        rig.Disk.FailReadsFrom = rig.Disk.ReadCount;
        Assert.Equal(PageFaultResult.StallObject, SpaceRig.Fault(a, H2 / 32, write: false));
        Assert.Equal(CacheResult.IoError, AddressSpaces.LastCause);
        rig.Disk.FailReadsFrom = null;
        Assert.Equal(PageFaultResult.Mapped, SpaceRig.Fault(a, H2 / 32, write: false));
        rig.Judge([a], s_addresses);
    }

    [Fact]
    public void AWriteUnderAReadOnlyKeyIsAnAccessFault()
    {
        using var rig = new SpaceRig(Tree());
        var a = SpaceRig.Space(rig.Builder.NodeOid(0));
        SpaceRig.SetSlot(rig.Builder.NodeOid(1), 0, SpaceRig.Segment(rig.Builder.NodeOid(4), 2, KeyRights.ReadOnly));
        Assert.Equal(PageFaultResult.AccessFault, SpaceRig.Fault(a, 0, write: true));
        Assert.Equal(PageFaultResult.Mapped, SpaceRig.Fault(a, 0, write: false));
        Assert.False(SpaceRig.Page(rig.Builder.PageOid(0))->IsDirty);

        // The read-only path has its own products: a writable space over Z does not share them.
        var c = SpaceRig.Space(rig.Builder.NodeOid(7));
        Assert.NotNull(rig.Touch(c, 0, write: true));
        Assert.NotEqual(SpaceRig.LeafTable(a.Root, 0), SpaceRig.LeafTable(c.Root, 0));
        rig.Judge([a, c], s_addresses);
    }

    [Fact]
    public void FullDependAndWritableTablesEvictTheirOldestEntries()
    {
        Assert.False(AddressSpaces.Initialize(SpaceRig.SpacesAt, SpaceRig.SpacesBytes, 64, AddressSpaces.MinimumDepends - 1, 2));
        using var rig = new SpaceRig(Tree(), depends: AddressSpaces.MinimumDepends, writables: 2);
        var spaces = new[] { SpaceRig.Space(rig.Builder.NodeOid(0)), SpaceRig.Space(rig.Builder.NodeOid(2)), SpaceRig.Space(rig.Builder.NodeOid(7)), SpaceRig.Space(rig.Builder.NodeOid(8)) };
        var (a, b) = (spaces[0], spaces[1]);
        for (int round = 0; round < 2; round++)
        {
            foreach (ulong address in s_addresses)
            {
                foreach (var space in spaces)
                {
                    bool write = round == 0 || space == a;
                    (WalkOutcome outcome, ulong page, _) = SpaceRig.FreshWalk(space, address);
                    Assert.Equal(outcome == WalkOutcome.Success ? page + (address & 0xFFF) : null, rig.Touch(space, address, write));
                }

                rig.Judge(spaces, s_addresses);
            }
        }

        // Write faults: the general walk (the read fast path would prepare these keys itself and decline on an eviction).
        var e = SpaceRig.Space(rig.Builder.NodeOid(10));
        for (ulong s = 0; s < 32; s++)
        {
            Assert.Equal(Body(rig, s % 4) + (s * 8), rig.Touch(e, (s * 128 * 1024) + ((s % 4) * Page) + (s * 8), write: true));
        }

        rig.Judge([.. spaces, e], s_addresses);
        Assert.True(DependTable.Evictions > 0);
        Assert.True(AddressSpaces.Reinstalls > 0); // an evicted record cleared an ancestor of the entry being built
        Assert.True(WritableMappings.Count <= 2);

        // Whatever records were evicted, their entries went with them: no change can leave a stale translation.
        for (int s = 3; s >= 0; s--)
        {
            SpaceRig.SetSlot(rig.Builder.NodeOid(5), s, SpaceRig.PageKey(rig.Builder.PageOid(6)));
            rig.Judge(spaces, s_addresses);
            Assert.Equal(Body(rig, 6), rig.Touch(a, (ulong)s * Page, write: false));
            Assert.Equal(Body(rig, 6), rig.Touch(b, H2 + ((ulong)s * Page), write: false));
        }

        SpaceRig.SetSlot(rig.Builder.NodeOid(4), 0, Key.Void);
        rig.Judge(spaces, s_addresses);
    }

    [Fact]
    public void ADestroyedRootReturnsToThePool()
    {
        using var rig = new SpaceRig(Tree());
        uint free = MappingPool.FreeCount;
        var a = SpaceRig.Space(rig.Builder.NodeOid(0));
        Assert.NotNull(rig.Touch(a, 0, write: false));
        AddressSpaces.DestroyRoot(a.Root);
        Assert.Equal(free - 3, MappingPool.FreeCount);
        SpaceRig.CheckStructure();
        AddressSpaces.DropAll();
        Assert.Equal(free, MappingPool.FreeCount);
    }

    private static bool SimulatedWalk(ulong root, ulong address) => Host.SimulatedMmu.Walk(root, address, out _, out _);

    internal static IEnumerable<ulong> Addresses => s_addresses;
}
