using CapOS.Kernel.Host;
using CapOS.Kernel.Process;
using Xunit;

namespace CapOS.Kernel.Tests.Process;

/// <summary>Round robin over the loaded processes, parking, idling (Scheduler, ProcessTable I2, I3).</summary>
public sealed unsafe class SchedulerTests
{
    [Fact]
    public void RunsRunnableProcessesRoundRobinThenIdlesAndExits()
    {
        var processes = new StoredProcesses().Add(RunState.Running).Add(RunState.Running);
        using var rig = processes.Boot();
        UserMode.Entered.Clear();
        ProcessEntry* first = processes.Entry(0);
        ProcessEntry* second = processes.Entry(1);
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
        Assert.EndsWith("kernel: idle\n", rig.Machine.ConsoleText);
    }

    [Fact]
    public void AvailableAndParkedProcessesAreNotScheduled()
    {
        var processes = new StoredProcesses().Add(RunState.Available).Add(RunState.Running);
        using var rig = processes.Boot();

        Assert.True(ProcessTable.SelectNext() == processes.Entry(1));
        ProcessTable.Park(processes.Entry(1), FaultCode.InvalidAddress, 0x10);
        Assert.True(ProcessTable.SelectNext() == null);
    }

    [Fact]
    public void TheTableHoldsADozenProcessesAndSaysWhenItIsFull()
    {
        var processes = new StoredProcesses();
        for (int i = 0; i < 15; i++)
        {
            processes.Add(RunState.Running);
        }

        using var rig = processes.Boot();

        Assert.True(ProcessTable.Capacity is >= 12 and < 15);
        int loaded = 0;
        for (int i = 0; i < ProcessTable.Capacity; i++)
        {
            loaded += ProcessTable.Entry(i)->InUse ? 1 : 0;
        }

        Assert.Equal(ProcessTable.Capacity, loaded);
        Assert.Contains(": process table full; it stays on the restart list and is loaded later\n", rig.Machine.ConsoleText);
        int deferred = ProcessTable.DeferredCount;
        Assert.Equal(15 - ProcessTable.Capacity, deferred);

        Checkpoint.CheckpointerTestRig.Checkpoint();
        Assert.Equal(15u, CapOS.Kernel.Checkpoint.Generation.Current->RestartCount); // I6: nobody dropped from the store's list

        ProcessTable.Park(processes.Entry(0), FaultCode.Halted, 0);
        Assert.True(ProcessTable.Unload(processes.Entry(0)));
        int retried = 0;
        for (int round = 0; round < 8 && retried == 0; round++)
        {
            retried = ProcessTable.RetryDeferred(); // background work: the objects it needs are read asynchronously
            CapOS.Kernel.ObjectCache.Cache.CompleteReads();
        }

        Assert.Equal(1, retried);
        Assert.Equal(deferred - 1, ProcessTable.DeferredCount);
    }
}
