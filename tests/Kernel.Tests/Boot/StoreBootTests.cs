using CapOS.Kernel.Boot;
using CapOS.Kernel.Checkpoint;
using CapOS.Kernel.Host;
using CapOS.Kernel.Memory;
using CapOS.Kernel.NodeTree;
using CapOS.Kernel.ObjectCache;
using CapOS.Kernel.Tests.Checkpoint;
using CapOS.Kernel.Tests.Memory;
using Xunit;

namespace CapOS.Kernel.Tests.Boot;

/// <summary>Boot is recovery: the store boot after the page allocator (kernel/Boot/StoreBoot.cs, docs/recovery.md).</summary>
public sealed unsafe class StoreBootTests
{
    [Fact]
    public void NoDiskStopsTheBootWithExitCodeFourNamingIt()
    {
        using var machine = new SimulatedMachine();
        using var boot = new TestBoot("exit-when-idle");
        var halted = Assert.Throws<MachineHaltedException>(() => Startup.Run(boot.Info));
        Assert.Equal(Store.CannotBootExitCode, halted.ExitCode);
        Assert.EndsWith("store: cannot boot: no disk\n", machine.ConsoleText);
    }

    [Fact]
    public void GivenFrameCountsAreUsedAndTheRunIsSizedForThem()
    {
        using var machine = new SimulatedMachine();
        using var boot = new TestBoot("cache-pages=40 cache-nodes=0x18");
        _ = new SimulatedDisk(TinyGraph(out _).Build());
        Assert.True(PageAllocator.Initialize(boot.Info));
        ulong before = PageAllocator.FreePages;
        ulong pages = StoreBoot.RunPages(boot.Info, out uint pageFrames, out uint nodeFrames);
        Assert.Equal((40u, 24u), (pageFrames, nodeFrames));
        Assert.True(pages * PageAllocator.PageSize >= Cache.RequiredBytes(40, 24) + (Store.FixedPages * 4096UL)
            + CheckpointDirectory.RequiredBytes(StoreBoot.DirectoryAllowanceEntries));

        StoreBoot.Run(boot.Info);

        Assert.Equal((40u, 24u), (Cache.PageFrameCount, Cache.NodeFrameCount));
        Assert.Equal(before - pages, PageAllocator.FreePages);
        Assert.Contains($"checkpoint: recovered seq=1 slot=0 ", machine.ConsoleText);
        Assert.Contains($"store: cache page-frames=40 node-frames=24 run={pages * 4} KiB\n", machine.ConsoleText);
        Assert.Matches(@"store: recovered in \d+ us, \d+ us after reset\n$", machine.ConsoleText);
    }

    [Theory]
    [InlineData("exit-when-idle", false)]
    [InlineData("cache-pages=40", true)]
    [InlineData("cache-pages=40 cache-nodes=0", true)]
    [InlineData("cache-pages=40 cache-nodes=x", true)]
    [InlineData("cache-pages=16777217 cache-nodes=8", true)]
    public void WithoutBothCountsTheRunIsHalfTheFreeMemory(string commandLine, bool complains)
    {
        using var machine = new SimulatedMachine();
        using var boot = new TestBoot(commandLine);
        _ = new SimulatedDisk(TinyGraph(out _).Build());
        Assert.True(PageAllocator.Initialize(boot.Info));
        ulong before = PageAllocator.FreePages;

        StoreBoot.Run(boot.Info);

        Assert.Equal(before - (before / 2), PageAllocator.FreePages);
        Assert.True(Cache.PageFrameCount > 0 && Cache.NodeFrameCount > 0);
        Assert.Equal(complains, machine.ConsoleText.Contains("store: cache-pages= and cache-nodes= go together", System.StringComparison.Ordinal));
    }

    [Fact]
    public void RunLargerThanMemoryRefusesNamingIt()
    {
        using var machine = new SimulatedMachine();
        using var boot = new TestBoot("cache-pages=100000 cache-nodes=8");
        _ = new SimulatedDisk(TinyGraph(out _).Build());
        Assert.True(PageAllocator.Initialize(boot.Info));
        var halted = Assert.Throws<MachineHaltedException>(() => StoreBoot.Run(boot.Info));
        Assert.Equal(Store.CannotBootExitCode, halted.ExitCode);
        Assert.EndsWith("store: cannot boot: not enough memory for the directory and the object cache\n", machine.ConsoleText);
    }

    [Fact]
    public void WalkOptionPrintsTheWalkLineAndGivesItsMemoryBack()
    {
        using var machine = new SimulatedMachine();
        VolumeBuilder builder = TinyGraph(out Oid root);
        using var boot = new TestBoot($"walk=0x{root.Value:x} cache-pages=4 cache-nodes=4");
        _ = new SimulatedDisk(builder.Build());
        Assert.True(PageAllocator.Initialize(boot.Info));
        ulong afterStore = PageAllocator.FreePages - StoreBoot.RunPages(boot.Info, out _, out _);

        StoreBoot.Run(boot.Info);

        Assert.Equal(afterStore, PageAllocator.FreePages);
        Assert.Matches($@"walk: root=0x{root.Value:x} nodes=2 pages=1 digest=[0-9a-f]{{16}} faults=3 evictions=0\nwalk: took \d+ us\n$", machine.ConsoleText);
    }

    [Theory]
    [InlineData("walk=0x1zz", "walk: bad root (walk=<oid>, decimal or 0x hex)\n")]
    [InlineData("walk=12345", "walk: root=0x3039 failed: OID in no object range at oid=0x3039\n")]
    public void BadWalkRootsAreReportedAndTheBootGoesOn(string option, string line)
    {
        using var machine = new SimulatedMachine();
        using var boot = new TestBoot(option);
        _ = new SimulatedDisk(TinyGraph(out _).Build());
        Assert.True(PageAllocator.Initialize(boot.Info));
        StoreBoot.Run(boot.Info);
        Assert.Contains(line, machine.ConsoleText);
    }

    /// <summary>A root node naming a page and a second node (all logged).</summary>
    internal static VolumeBuilder TinyGraph(out Oid root)
    {
        var builder = new VolumeBuilder();
        root = builder.NodeOid(0);
        var data = new byte[4096];
        data[7] = 0x5A;
        builder.LogPage(builder.PageOid(3), data);
        builder.LogNode(builder.NodeOid(1), new VolumeBuilder.NodeModel());
        builder.LogNode(root, new VolumeBuilder.NodeModel()
            .With(0, Key.Object(KeyType.Page, builder.PageOid(3), 0, KeyRights.None, 0))
            .With(1, Key.Object(KeyType.Node, builder.NodeOid(1), 0, KeyRights.None, 0)));
        return builder;
    }

    /// <summary>A <see cref="BootInfo"/> of the typical 16 MiB machine in unmanaged memory (Halt throws through it).</summary>
    internal sealed class TestBoot : System.IDisposable
    {
        public TestBoot(string commandLine)
        {
            Info = (BootInfo*)System.Runtime.InteropServices.NativeMemory.Alloc((nuint)sizeof(BootInfo));
            *Info = PageAllocatorTests.TypicalMachine();
            Info->Loader = BootLoader.Multiboot1;
            BootInfoTests.SetCommandLine(Info, commandLine);
        }

        public BootInfo* Info { get; }

        public void Dispose() => System.Runtime.InteropServices.NativeMemory.Free(Info);
    }
}
