using CapOS.Kernel.Boot;
using CapOS.Kernel.Host;
using CapOS.Kernel.Invocation;
using CapOS.Kernel.Memory;
using CapOS.Kernel.Process;
using CapOS.Kernel.Tests.Memory;
using Xunit;

namespace CapOS.Kernel.Tests.Process;

public sealed unsafe class SchedulerTests
{
    [Fact]
    public void RunsRunnableProcessesRoundRobinThenIdlesAndExits()
    {
        using var machine = new SimulatedMachine();
        BootInfo boot = PageAllocatorTests.TypicalMachine();
        Assert.True(PageAllocator.Initialize(&boot));
        Assert.True(ProcessTable.Initialize(1));
        UserMode.Entered.Clear();
        ProcessEntry* first = ProcessTable.Create(0);
        ProcessEntry* second = ProcessTable.Create(0);
        Assert.Equal(1u, first->Pid);
        Assert.Equal(2u, second->Pid);

        Scheduler.Start(exitWhenIdle: true);
        Assert.Equal([1u], UserMode.Entered);
        Assert.True(ProcessTable.Current == first);

        ProcessTable.End(first, ProcessState.Exited);
        Scheduler.RunNext();
        Assert.Equal([1u, 2u], UserMode.Entered);

        ProcessTable.End(second, ProcessState.Faulted);
        var halted = Assert.Throws<MachineHaltedException>(Scheduler.RunNext);
        Assert.Equal(0, halted.ExitCode);
        Assert.EndsWith("kernel: idle\n", machine.ConsoleText);
    }

    [Fact]
    public void KeyRegisterZeroMustBeVoid()
    {
        using var machine = new SimulatedMachine();
        BootInfo boot = PageAllocatorTests.TypicalMachine();
        Assert.True(PageAllocator.Initialize(&boot));
        Assert.True(ProcessTable.Initialize(1));
        ProcessEntry* process = ProcessTable.Create(0);
        process->KeyRegisters[0] = (byte)KeyRegisterKind.Console;
        Assert.Throws<MachineHaltedException>(() => ProcessTable.SelectNext());
        Assert.Contains("(I1)", machine.ConsoleText);
    }

    [Fact]
    public void TableHoldsAtLeastADozenProcessesPerPage()
    {
        using var machine = new SimulatedMachine();
        BootInfo boot = PageAllocatorTests.TypicalMachine();
        Assert.True(PageAllocator.Initialize(&boot));
        Assert.True(ProcessTable.Initialize(1));
        Assert.True(ProcessTable.Capacity >= 12);
        for (int i = 0; i < ProcessTable.Capacity; i++)
        {
            Assert.True(ProcessTable.Create(0) != null);
        }

        Assert.True(ProcessTable.Create(0) == null);
    }
}
