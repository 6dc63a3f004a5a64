using CapOS.Kernel.Boot;
using CapOS.Kernel.Host;
using CapOS.Kernel.Process;
using CapOS.Kernel.Tests.Memory;
using Xunit;

namespace CapOS.Kernel.Tests.Boot;

/// <summary>The portable boot sequence on the simulated machine prints the serial contract's boot lines.</summary>
public sealed unsafe class StartupTests
{
    [Fact]
    public void PrintsTheBootLinesAndEntersTheFirstModule()
    {
        using var machine = new SimulatedMachine(cycleCounterHz: 2_500_000_000);
        BootInfo boot = PageAllocatorTests.TypicalMachine();
        boot.Loader = BootLoader.Multiboot1;
        BootInfoTests.SetCommandLine(&boot, "exit-when-idle");
        UserMode.Entered.Clear();

        Startup.Run(&boot);

        string[] lines = machine.ConsoleText.Split('\n');
        Assert.Equal("boot: loader=multiboot1 cmdline=\"exit-when-idle\" modules=1", lines[0]);
        Assert.StartsWith("mem: usable=14972 KiB free-pages=", lines[1]);
        Assert.Equal("timer: hz=100 tsc-mhz=2500", lines[2]);
        Assert.Equal("timer: tick=5", lines[3]);
        Assert.Equal("timer: tick=10", lines[4]);
        Assert.Equal("timer: tick=15", lines[5]);
        Assert.Equal("proc: 1 from module m", lines[6]);
        Assert.Equal([1u], UserMode.Entered);
    }

    [Fact]
    public void KernelPageFaultSelfTestStopsWithThePanicCode()
    {
        using var machine = new SimulatedMachine();
        BootInfo* boot = (BootInfo*)System.Runtime.InteropServices.NativeMemory.Alloc((nuint)sizeof(BootInfo));
        *boot = PageAllocatorTests.TypicalMachine();
        BootInfoTests.SetCommandLine(boot, "test=kernel-pagefault");
        var halted = Assert.Throws<MachineHaltedException>(() => Startup.Run(boot));
        System.Runtime.InteropServices.NativeMemory.Free(boot);
        Assert.Equal(CapOS.Kernel.Diagnostics.Panic.ExitCode, halted.ExitCode);
        Assert.Contains("timer: tick=15", machine.ConsoleText);
    }
}
