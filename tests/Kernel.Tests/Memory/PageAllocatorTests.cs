using CapOS.Kernel.Boot;
using CapOS.Kernel.Diagnostics;
using CapOS.Kernel.Host;
using CapOS.Kernel.Memory;
using Xunit;

namespace CapOS.Kernel.Tests.Memory;

public sealed unsafe class PageAllocatorTests
{
    private const ulong MiB = 1024 * 1024;

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
    public void NoUsableMemoryMeansNoAllocator()
    {
        using var machine = new SimulatedMachine();
        BootInfo boot = default;
        boot.AddRegion(0, 0x9F000, MemoryKind.Usable);
        Assert.False(PageAllocator.Initialize(&boot));
    }
}
