using CapOS.Kernel.Boot;
using CapOS.Kernel.Diagnostics;
using CapOS.Kernel.Host;
using CapOS.Kernel.Memory;
using Xunit;

namespace CapOS.Kernel.Tests.Memory;

public sealed unsafe class PageAllocatorTests
{
    internal const ulong MiB = 1024 * 1024;

    /// <summary>16 MiB like a PC: low RAM, a BIOS hole, RAM with a reserved hole, a kernel image and a module.</summary>
    internal static BootInfo TypicalMachine()
    {
        BootInfo boot = default;
        boot.AddRegion(0, 0x9F000, MemoryKind.Usable);
        boot.AddRegion(0x9F000, 0x61000, MemoryKind.Reserved);
        boot.AddRegion(MiB, 7 * MiB, MemoryKind.Usable);
        boot.AddRegion(8 * MiB, MiB, MemoryKind.Reserved);
        boot.AddRegion(9 * MiB, 7 * MiB, MemoryKind.Usable);
        boot.AddReserved(MiB, 2 * MiB);
        byte name = (byte)'m';
        boot.AddModule(3 * MiB, (3 * MiB) + 0x1800, &name, 1);
        return boot;
    }

    [Fact]
    public void FreeFramesAreExactlyTheAvailableOnesMinusTheBitmap()
    {
        using var machine = new SimulatedMachine();
        BootInfo boot = TypicalMachine();
        Assert.True(PageAllocator.Initialize(&boot));
        Assert.Equal(16 * MiB / PageAllocator.PageSize, PageAllocator.FrameCount);

        ulong available = 0;
        ulong free = 0;
        for (ulong frame = 0; frame < PageAllocator.FrameCount; frame++)
        {
            bool isAvailable = PageAllocator.IsAvailable(&boot, frame);
            bool isFree = !PageAllocator.IsAllocated(frame * PageAllocator.PageSize);
            Assert.False(isFree && !isAvailable, $"frame {frame:x} is free but not available (I1)");
            available += isAvailable ? 1UL : 0UL;
            free += isFree ? 1UL : 0UL;
        }

        Assert.Equal(free, PageAllocator.FreePages); // I2
        Assert.Equal(available - 1, free); // the bitmap (512 bytes) takes one page
    }

    [Fact]
    public void HolesKernelImageModulesAndLowMemoryAreNeverFree()
    {
        using var machine = new SimulatedMachine();
        BootInfo boot = TypicalMachine();
        Assert.True(PageAllocator.Initialize(&boot));
        Assert.True(PageAllocator.IsAllocated(0));
        Assert.True(PageAllocator.IsAllocated(0x50000)); // usable, but below 1 MiB
        Assert.True(PageAllocator.IsAllocated(MiB + 0x5000)); // kernel image
        Assert.True(PageAllocator.IsAllocated(3 * MiB)); // module
        Assert.True(PageAllocator.IsAllocated((3 * MiB) + 0x1000)); // module's partial last page
        Assert.False(PageAllocator.IsAllocated((3 * MiB) + 0x2000));
        Assert.True(PageAllocator.IsAllocated(8 * MiB)); // reserved hole
        Assert.True(PageAllocator.IsAllocated((9 * MiB) - 0x1000));
        Assert.False(PageAllocator.IsAllocated(9 * MiB));
    }

    [Fact]
    public void AllocatesUntilExhaustedThenReturnsZero()
    {
        using var machine = new SimulatedMachine();
        BootInfo boot = TypicalMachine();
        Assert.True(PageAllocator.Initialize(&boot));
        ulong expected = PageAllocator.FreePages;
        var seen = new System.Collections.Generic.HashSet<ulong>();
        for (ulong i = 0; i < expected; i++)
        {
            ulong page = PageAllocator.AllocatePage();
            Assert.NotEqual(0UL, page);
            Assert.Equal(0UL, page % PageAllocator.PageSize);
            Assert.True(PageAllocator.IsAvailable(&boot, page / PageAllocator.PageSize));
            Assert.True(seen.Add(page), $"page {page:x} handed out twice");
        }

        Assert.Equal(0UL, PageAllocator.FreePages);
        Assert.Equal(0UL, PageAllocator.AllocatePage());
    }

    [Fact]
    public void FreedPageIsReusedAndZeroedOnRequest()
    {
        using var machine = new SimulatedMachine();
        BootInfo boot = TypicalMachine();
        Assert.True(PageAllocator.Initialize(&boot));
        ulong before = PageAllocator.FreePages;
        ulong page = PageAllocator.AllocatePage();
        Machine.PhysicalToVirtual(page)[100] = 0xAB;
        PageAllocator.FreePage(page);
        Assert.Equal(before, PageAllocator.FreePages);

        while (true)
        {
            ulong again = PageAllocator.AllocateZeroedPage();
            Assert.NotEqual(0UL, again);
            if (again == page)
            {
                Assert.Equal(0, Machine.PhysicalToVirtual(again)[100]);
                break;
            }
        }
    }

    [Fact]
    public void DoubleFreeStops()
    {
        using var machine = new SimulatedMachine();
        BootInfo boot = TypicalMachine();
        Assert.True(PageAllocator.Initialize(&boot));
        ulong page = PageAllocator.AllocatePage();
        PageAllocator.FreePage(page);
        var halted = Assert.Throws<MachineHaltedException>(() => PageAllocator.FreePage(page));
        Assert.Equal(Panic.ExitCode, halted.ExitCode);
        Assert.Contains("(I3)", machine.ConsoleText);
    }

    [Fact]
    public void RunIsTheFirstFreeStretchLongEnoughAndIsMarkedInUse()
    {
        using var machine = new SimulatedMachine();
        BootInfo boot = TypicalMachine();
        Assert.True(PageAllocator.Initialize(&boot));
        ulong longest = LongestFreeStretch(out ulong longestStart);
        ulong before = PageAllocator.FreePages;

        ulong run = PageAllocator.AllocateRun(longest);

        Assert.Equal(longestStart * PageAllocator.PageSize, run); // first fit: the first stretch that long
        Assert.Equal(before - longest, PageAllocator.FreePages);
        for (ulong i = 0; i < longest; i++)
        {
            ulong frame = (run / PageAllocator.PageSize) + i;
            Assert.True(PageAllocator.IsAvailable(&boot, frame), $"frame {frame:x} of the run is not RAM (I1)");
            Assert.True(PageAllocator.IsAllocated(frame * PageAllocator.PageSize));
        }

        Assert.Equal(CountFree(), PageAllocator.FreePages); // I2
    }

    [Fact]
    public void RunLongerThanEveryFreeStretchFailsAndChangesNothing()
    {
        using var machine = new SimulatedMachine();
        BootInfo boot = TypicalMachine();
        Assert.True(PageAllocator.Initialize(&boot));
        ulong longest = LongestFreeStretch(out _);
        ulong before = PageAllocator.FreePages;
        Assert.True(before > longest + 1, "the typical machine has holes: more free pages than its longest stretch");

        Assert.Equal(0UL, PageAllocator.AllocateRun(longest + 1));
        Assert.Equal(0UL, PageAllocator.AllocateRun(0));
        Assert.Equal(0UL, PageAllocator.AllocateRun(before + 1));
        Assert.Equal(before, PageAllocator.FreePages);
        Assert.Equal(longest, LongestFreeStretch(out _));
    }

    [Fact]
    public void RandomRunsAndPagesNeverOverlapAndFreeRunGivesThemBack()
    {
        using var machine = new SimulatedMachine();
        BootInfo boot = TypicalMachine();
        Assert.True(PageAllocator.Initialize(&boot));
        ulong initial = PageAllocator.FreePages;
        var random = new System.Random(8);
        var owned = new System.Collections.Generic.Dictionary<ulong, ulong>(); // first frame -> pages
        var taken = new System.Collections.Generic.HashSet<ulong>();
        for (int step = 0; step < 400; step++)
        {
            if (owned.Count > 0 && random.Next(3) == 0)
            {
                ulong first = System.Linq.Enumerable.ElementAt(owned.Keys, random.Next(owned.Count));
                PageAllocator.FreeRun(first * PageAllocator.PageSize, owned[first]);
                for (ulong i = 0; i < owned[first]; i++)
                {
                    taken.Remove(first + i);
                }

                owned.Remove(first);
                continue;
            }

            ulong pages = random.Next(4) == 0 ? 1UL : (ulong)random.Next(1, 200);
            ulong run = PageAllocator.AllocateRun(pages);
            if (run == 0)
            {
                Assert.True(LongestFreeStretch(out _) < pages, $"a run of {pages} was refused though one is free");
                continue;
            }

            for (ulong i = 0; i < pages; i++)
            {
                Assert.True(taken.Add((run / PageAllocator.PageSize) + i), "a frame was handed out twice");
            }

            owned[run / PageAllocator.PageSize] = pages;
            Assert.Equal(CountFree(), PageAllocator.FreePages); // I2
        }

        foreach (var (first, pages) in owned)
        {
            PageAllocator.FreeRun(first * PageAllocator.PageSize, pages);
        }

        Assert.Equal(initial, PageAllocator.FreePages);
    }

    private static ulong LongestFreeStretch(out ulong start)
    {
        ulong longest = 0;
        ulong current = 0;
        start = 0;
        for (ulong frame = 0; frame < PageAllocator.FrameCount; frame++)
        {
            current = PageAllocator.IsAllocated(frame * PageAllocator.PageSize) ? 0 : current + 1;
            if (current > longest)
            {
                longest = current;
                start = frame + 1 - current;
            }
        }

        return longest;
    }

    private static ulong CountFree()
    {
        ulong free = 0;
        for (ulong frame = 0; frame < PageAllocator.FrameCount; frame++)
        {
            free += PageAllocator.IsAllocated(frame * PageAllocator.PageSize) ? 0UL : 1UL;
        }

        return free;
    }

    [Fact]
    public void NoUsableMemoryMeansNoAllocator()
    {
        using var machine = new SimulatedMachine();
        BootInfo boot = default;
        boot.AddRegion(0, 0x9F000, MemoryKind.Usable);
        Assert.False(PageAllocator.Initialize(&boot));
    }
}
