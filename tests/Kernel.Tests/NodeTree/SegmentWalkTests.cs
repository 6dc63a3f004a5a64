using CapOS.Kernel.NodeTree;
using CapOS.Kernel.ObjectCache;
using CapOS.Kernel.Tests.Checkpoint;
using CapOS.Kernel.Tests.Process;
using Xunit;

namespace CapOS.Kernel.Tests.NodeTree;

/// <summary>The segment walk (docs/process.md "Definitions", "Page faults"): heights, rights, malformed slots.</summary>
public sealed unsafe class SegmentWalkTests
{
    private const ulong Page = 4096;
    private const ulong H1 = 128 * 1024;
    private const ulong H2 = 4 * 1024 * 1024;

    /// <summary>
    /// Holder 0 -> h2 node 1: slot 0 h1 node 2 (pages 0, 1, read-only 2, void), slot 1 read-only h1 node 3
    /// (page 3), slot 2 page 5, slot 3 a number key, slot 4 an h2 key (not lower), slot 5 weak h1 node 2,
    /// slot 6 page 6 with a stale AllocCount, slot 7 a height-0 segment key. Holder 5 -> h3 node 6: slot 0
    /// h1 node 2, slot 1 h2 node 1. Holder 7 -> page 4.
    /// </summary>
    internal static VolumeBuilder Tree()
    {
        var b = new VolumeBuilder();
        for (ulong p = 0; p < 7; p++)
        {
            b.Page(b.PageOid(p), SpaceRig.PageData(p), 1);
        }

        b.Node(b.NodeOid(0), new VolumeBuilder.NodeModel { AllocCount = 1 }.With(SpaceRig.Slot, SpaceRig.Segment(b.NodeOid(1), 2)));
        b.Node(b.NodeOid(1), new VolumeBuilder.NodeModel { AllocCount = 1 }
            .With(0, SpaceRig.Segment(b.NodeOid(2), 1))
            .With(1, SpaceRig.Segment(b.NodeOid(3), 1, KeyRights.ReadOnly))
            .With(2, SpaceRig.PageKey(b.PageOid(5)))
            .With(3, Key.Number(1, 2, 3))
            .With(4, SpaceRig.Segment(b.NodeOid(4), 2))
            .With(5, SpaceRig.Segment(b.NodeOid(2), 1, KeyRights.Weak))
            .With(6, SpaceRig.PageKey(b.PageOid(6), allocCount: 9))
            .With(7, SpaceRig.Segment(b.NodeOid(2), 0)));
        b.Node(b.NodeOid(2), new VolumeBuilder.NodeModel { AllocCount = 1 }
            .With(0, SpaceRig.PageKey(b.PageOid(0)))
            .With(1, SpaceRig.PageKey(b.PageOid(1)))
            .With(2, SpaceRig.PageKey(b.PageOid(2), KeyRights.ReadOnly)));
        b.Node(b.NodeOid(3), new VolumeBuilder.NodeModel { AllocCount = 1 }.With(0, SpaceRig.PageKey(b.PageOid(3))));
        b.Node(b.NodeOid(4), new VolumeBuilder.NodeModel { AllocCount = 1 }.With(0, SpaceRig.Segment(b.NodeOid(2), 1)));
        b.Node(b.NodeOid(5), new VolumeBuilder.NodeModel { AllocCount = 1 }.With(SpaceRig.Slot, SpaceRig.Segment(b.NodeOid(6), 3)));
        b.Node(b.NodeOid(6), new VolumeBuilder.NodeModel { AllocCount = 1 }
            .With(0, SpaceRig.Segment(b.NodeOid(2), 1))
            .With(1, SpaceRig.Segment(b.NodeOid(1), 2)));
        b.Node(b.NodeOid(7), new VolumeBuilder.NodeModel { AllocCount = 1 }.With(SpaceRig.Slot, SpaceRig.PageKey(b.PageOid(4))));
        return b;
    }

    private static void Expect(VolumeBuilder b, int holder, ulong address, bool write, WalkOutcome outcome, int page = -1, bool writable = true)
    {
        Key* key = SpaceRig.SlotOf(SpaceRig.Node(b.NodeOid((ulong)holder)), SpaceRig.Slot);
        SegmentWalk.Walk(key, address, write, FaultMode.Synchronous, out SegmentWalk.Result walk);
        try
        {
            Assert.Equal(outcome, walk.Outcome);
            if (outcome == WalkOutcome.Success)
            {
                Assert.Equal(b.PageOid((ulong)page), walk.Page->Oid);
                Assert.Equal(writable, walk.Writable);
                Assert.True(walk.Page->IsPinned);
            }
        }
        finally
        {
            SegmentWalk.Release(ref walk);
        }

        for (ObjectHeader* frame = Cache.NextUsed(null); frame != null; frame = Cache.NextUsed(frame))
        {
            Assert.False(frame->IsPinned, "the walk left a pin behind");
        }
    }

    [Fact]
    public void WalkDescendsOneNodePerFiveBitsToThePage()
    {
        using var rig = new SpaceRig(Tree());
        Expect(rig.Builder, 0, 0x10, write: false, WalkOutcome.Success, page: 0);
        Expect(rig.Builder, 0, Page + 0xFFF, write: true, WalkOutcome.Success, page: 1);
        Expect(rig.Builder, 0, 3 * Page, write: false, WalkOutcome.InvalidAddress);
    }

    [Fact]
    public void ReadOnlyAnywhereOnThePathMakesThePageReadOnly()
    {
        using var rig = new SpaceRig(Tree());
        Expect(rig.Builder, 0, 2 * Page, write: false, WalkOutcome.Success, page: 2, writable: false);
        Expect(rig.Builder, 0, 2 * Page, write: true, WalkOutcome.AccessFault);
        Expect(rig.Builder, 0, H1, write: false, WalkOutcome.Success, page: 3, writable: false);
        Expect(rig.Builder, 0, H1, write: true, WalkOutcome.AccessFault);
        Expect(rig.Builder, 0, (5 * H1) + Page, write: false, WalkOutcome.Success, page: 1, writable: false);
        Expect(rig.Builder, 0, (5 * H1) + Page, write: true, WalkOutcome.AccessFault);
    }

    [Fact]
    public void APageKeyInANonLeafSlotCoversTheFirstPageOfTheSlot()
    {
        using var rig = new SpaceRig(Tree());
        Expect(rig.Builder, 0, 2 * H1, write: true, WalkOutcome.Success, page: 5);
        Expect(rig.Builder, 0, (2 * H1) + Page, write: false, WalkOutcome.InvalidAddress);
    }

    [Fact]
    public void ALowerHeightSegmentCoversTheLowEndOfItsSlot()
    {
        using var rig = new SpaceRig(Tree());
        Expect(rig.Builder, 5, Page, write: false, WalkOutcome.Success, page: 1);
        Expect(rig.Builder, 5, H1 + Page, write: false, WalkOutcome.InvalidAddress);
        Expect(rig.Builder, 5, H2 + H1, write: false, WalkOutcome.Success, page: 3, writable: false);
        Expect(rig.Builder, 5, (2 * H2) + Page, write: false, WalkOutcome.InvalidAddress);
    }

    [Fact]
    public void ASlotNamingAnEqualOrHigherSegmentIsMalformed()
    {
        using var rig = new SpaceRig(Tree());
        Expect(rig.Builder, 0, 4 * H1, write: false, WalkOutcome.InvalidAddress);
        Expect(rig.Builder, 0, 7 * H1, write: false, WalkOutcome.InvalidAddress);
    }

    [Fact]
    public void VoidMalformedStaleAndOutOfRangeAreInvalidAddresses()
    {
        using var rig = new SpaceRig(Tree());
        Expect(rig.Builder, 0, 3 * H1, write: false, WalkOutcome.InvalidAddress);
        Expect(rig.Builder, 0, 6 * H1, write: false, WalkOutcome.InvalidAddress);
        Expect(rig.Builder, 0, 31 * H1, write: false, WalkOutcome.InvalidAddress);
        Expect(rig.Builder, 0, H2, write: false, WalkOutcome.InvalidAddress);
        Expect(rig.Builder, 0, ulong.MaxValue, write: false, WalkOutcome.InvalidAddress);
    }

    [Fact]
    public void APageKeyAsTheAddressSpaceCoversPageZero()
    {
        using var rig = new SpaceRig(Tree());
        Expect(rig.Builder, 7, 0xABC, write: true, WalkOutcome.Success, page: 4);
        Expect(rig.Builder, 7, Page, write: false, WalkOutcome.InvalidAddress);
    }

    [Fact]
    public void AnObjectThatCannotBeReadIsAStallNotAnInvalidAddress()
    {
        using var rig = new SpaceRig(Tree());
        Key* key = SpaceRig.SlotOf(SpaceRig.Node(rig.Builder.NodeOid(0)), SpaceRig.Slot);
        rig.Disk.FailReadsFrom = rig.Disk.ReadCount;
        SegmentWalk.Walk(key, 0, false, FaultMode.Synchronous, out SegmentWalk.Result walk);
        Assert.Equal(WalkOutcome.ObjectUnavailable, walk.Outcome);
        Assert.Equal(CacheResult.IoError, walk.Cause);
        SegmentWalk.Release(ref walk);
    }
}
