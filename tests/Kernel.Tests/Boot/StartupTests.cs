using CapOS.Kernel.Boot;
using CapOS.Kernel.Host;
using CapOS.Kernel.Process;
using CapOS.Kernel.Tests.Memory;
using Xunit;

namespace CapOS.Kernel.Tests.Boot;

/// <summary>The portable boot sequence on the simulated machine prints the serial contract's boot lines (store boot: StoreBootTests).</summary>
public sealed unsafe class StartupTests
{
    [Fact]
    public void PrintsTheBootLinesIgnoresBootModulesAndIdlesWithNoStoredProcess()
    {
        using var machine = new SimulatedMachine(cycleCounterHz: 2_500_000_000);
        BootInfo boot = PageAllocatorTests.TypicalMachine(); // it carries one boot module, "m"
        boot.Loader = BootLoader.Multiboot1;
        BootInfoTests.SetCommandLine(&boot, "exit-when-idle");
        UserMode.Entered.Clear();
        _ = new SimulatedDisk(StoreBootTests.TinyGraph(out _).Build());

        BootInfo* bootInfo = &boot;
        var halted = Assert.Throws<MachineHaltedException>(() => Startup.Run(bootInfo));

        Assert.Equal(0, halted.ExitCode);
        string[] lines = machine.ConsoleText.Split('\n');
        Assert.Equal("boot: loader=multiboot1 cmdline=\"exit-when-idle\" modules=1", lines[0]);
        // The simulated map's usable regions (PageAllocatorTests.TypicalMachine): 0x9F000 bytes below 1 MiB and
        // two of 7 MiB, whatever the host has.
        ulong usableKiB = (0x9F000 + (14 * PageAllocatorTests.MiB)) / 1024;
        Assert.StartsWith($"mem: usable={usableKiB} KiB free-pages=", lines[1]);
        Assert.StartsWith("store: volume pages=", lines[2]);
        Assert.Equal("checkpoint: recovered seq=1 slot=0 log-objects=4 restart=0", lines[3]); // 2 nodes, a page, its tag pot
        Assert.StartsWith("store: cache page-frames=", lines[4]);
        Assert.StartsWith("store: recovered in ", lines[5]);
        Assert.Equal("checkpoint: migrate seq=1", lines[6]); // imagegen's checkpoint is unmigrated: redone at boot
        Assert.Equal("checkpoint: migrated seq=1", lines[7]);
        Assert.Equal("timer: hz=100 tsc-mhz=2500", lines[8]);
        Assert.Equal("timer: tick=5", lines[9]);
        Assert.Equal("timer: tick=10", lines[10]);
        Assert.Equal("timer: tick=15", lines[11]);
        Assert.Equal("kernel: idle", lines[12]); // the module is no program: the kernel runs only what the store holds
        Assert.Empty(UserMode.Entered);
    }

    [Fact]
    public void KernelPageFaultSelfTestStopsWithThePanicCode()
    {
        using var machine = new SimulatedMachine();
        BootInfo* boot = (BootInfo*)System.Runtime.InteropServices.NativeMemory.Alloc((nuint)sizeof(BootInfo));
        *boot = PageAllocatorTests.TypicalMachine();
        BootInfoTests.SetCommandLine(boot, "test=kernel-pagefault");
        _ = new SimulatedDisk(StoreBootTests.TinyGraph(out _).Build());
        var halted = Assert.Throws<MachineHaltedException>(() => Startup.Run(boot));
        System.Runtime.InteropServices.NativeMemory.Free(boot);
        Assert.Equal(CapOS.Kernel.Diagnostics.Panic.ExitCode, halted.ExitCode);
        Assert.Contains("timer: tick=15", machine.ConsoleText);
    }
}
