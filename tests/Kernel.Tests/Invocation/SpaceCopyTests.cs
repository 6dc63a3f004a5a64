using CapOS.Kernel.Invocation;
using CapOS.Kernel.NodeTree;
using CapOS.Kernel.ObjectCache;
using CapOS.Kernel.Process;
using CapOS.Kernel.Tests.Checkpoint;
using CapOS.Kernel.Tests.Process;
using Xunit;

namespace CapOS.Kernel.Tests.Invocation;

/// <summary>
/// SpaceCopy's probe (kernel/Invocation/SpaceCopy.cs I2): a page is taken from the process's own mapping only when
/// that mapping allows the access, and it is then the page the segment walk finds; otherwise the walk runs (and
/// dirties a page to be written) and builds the entry for the next probe.
/// </summary>
public sealed unsafe class SpaceCopyTests
{
    private const ulong Page = 4096;

    /// <summary>Holder 0 -> height-2 node 1, whose slot 0 is height-1 node 2 holding pages 0..3.</summary>
    private static VolumeBuilder Tree()
    {
        var b = new VolumeBuilder();
        for (ulong p = 0; p < 4; p++)
        {
            b.Page(b.PageOid(p), SpaceRig.PageData(p), 1);
        }

        b.Node(b.NodeOid(0), new VolumeBuilder.NodeModel { AllocCount = 1 }.With(SpaceRig.Slot, SpaceRig.Segment(b.NodeOid(1), 2)));
        b.Node(b.NodeOid(1), new VolumeBuilder.NodeModel { AllocCount = 1 }.With(0, SpaceRig.Segment(b.NodeOid(2), 1)));
        var leaves = new VolumeBuilder.NodeModel { AllocCount = 1 };
        for (int s = 0; s < 4; s++)
        {
            leaves.With(s, SpaceRig.PageKey(b.PageOid((ulong)s)));
        }

        b.Node(b.NodeOid(2), leaves);
        return b;
    }

    private static ObjectHeader* Probed(ProcessEntry* process, ulong address, bool write)
    {
        SpaceCopy.PageList pages;
        Assert.Equal(SpaceCopy.ProbeResult.Ok, SpaceCopy.Probe(process, address, Page, write, &pages, out ulong good));
        Assert.Equal(Page, good);
        ObjectHeader* frame = pages.Frame(0);
        SpaceCopy.Release(&pages);
        return frame;
    }

    [Fact]
    public void AMappedPageIsTheWalksPageAndAReadOnlyMappingDoesNotServeAWrite()
    {
        using var rig = new SpaceRig(Tree());
        var space = SpaceRig.Space(rig.Builder.NodeOid(0));
        ProcessEntry process = default;
        process.RootFrame = (ObjectHeader*)space.Holder;
        process.AddressSpace = space.Root;
        ObjectHeader* page0 = SpaceRig.Page(rig.Builder.PageOid(0));
        Assert.Equal(PageFaultResult.Mapped, SpaceRig.Fault(space, 0, write: false)); // a read-only mapping of page 0

        Assert.True(Probed(&process, 0, write: false) == page0);
        Assert.False(page0->IsDirty);

        // A write probe may not take the read-only mapping: the walk dirties the page, then the entry is writable.
        Assert.True(Probed(&process, 0, write: true) == page0);
        Assert.True(page0->IsDirty);
        Assert.NotNull(rig.Mmu.Access(space.Root, 0, write: true));

        // A page the process never touched: the walk finds it and builds the entry; the next probe takes the mapping.
        ObjectHeader* page2 = SpaceRig.Page(rig.Builder.PageOid(2));
        Assert.Null(rig.Mmu.Access(space.Root, 2 * Page, write: false));
        Assert.True(Probed(&process, 2 * Page, write: true) == page2);
        Assert.True(page2->IsDirty);
        Assert.True(SimulatedMmuWalk(space.Root, 2 * Page, out ulong frame) && frame == page2->Body);
        Assert.True(Probed(&process, 2 * Page, write: true) == page2);
    }

    private static bool SimulatedMmuWalk(ulong root, ulong address, out ulong frame) =>
        CapOS.Kernel.Host.SimulatedMmu.Walk(root, address, out frame, out _);
}
