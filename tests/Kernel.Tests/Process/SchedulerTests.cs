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
        Assert.True(ProcessTable.Initialize(4));
        UserMode.Entered.Clear();
        ProcessEntry* first = ProcessTable.CreateModule();
        ProcessEntry* second = ProcessTable.CreateModule();
        Assert.Equal(1u, first->Pid);
        Assert.Equal(2u, second->Pid);

        Scheduler.Start(exitWhenIdle: true);
        Assert.Equal([1u], UserMode.Entered);
        Assert.True(ProcessTable.Current == first);

        ProcessTable.Park(first, FaultCode.Halted, 0);
        Scheduler.RunNext();
        Assert.Equal([1u, 2u], UserMode.Entered);

        ProcessTable.Park(second, FaultCode.Exception, 13);
        var halted = Assert.Throws<MachineHaltedException>(Scheduler.RunNext);
        Assert.Equal(0, halted.ExitCode);
        Assert.EndsWith("kernel: idle\n", machine.ConsoleText);
    }

    [Fact]
    public void KeyRegisterZeroReadsAsVoid()
    {
        using var machine = new SimulatedMachine();
        BootInfo boot = PageAllocatorTests.TypicalMachine();
        Assert.True(PageAllocator.Initialize(&boot));
        Assert.True(ProcessTable.Initialize(4));
        ProcessEntry* process = ProcessTable.CreateModule();
        process->ModuleKeyRegisters[0] = (byte)KeyRegisterKind.Console;
        Assert.Equal(KeyRegisterKind.Void, process->ModuleKeyRegister(0)); // P1
    }

    [Fact]
    public void TableHoldsAtLeastADozenProcessesInFourPages()
    {
        using var machine = new SimulatedMachine();
        BootInfo boot = PageAllocatorTests.TypicalMachine();
        Assert.True(PageAllocator.Initialize(&boot));
        Assert.True(ProcessTable.Initialize(4));
        Assert.True(ProcessTable.Capacity >= 12);
        for (int i = 0; i < ProcessTable.Capacity; i++)
        {
            Assert.True(ProcessTable.CreateModule() != null);
        }

        Assert.True(ProcessTable.CreateModule() == null);
    }
}
