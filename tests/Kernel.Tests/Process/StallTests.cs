using CapOS.Kernel.Host;
using CapOS.Kernel.Process;
using Xunit;

namespace CapOS.Kernel.Tests.Process;

/// <summary>The stall queues (Stall I1, I2): a stalled process is not runnable, waking is per reason and in order.</summary>
public sealed unsafe class StallTests
{
    [Fact]
    public void WakingOneReasonLeavesTheOthersQueued()
    {
        using var machine = Table(out ProcessEntry* a, out ProcessEntry* b, out ProcessEntry* c);
        Stall.Add(a, StallReason.Checkpoint);
        Stall.Add(b, StallReason.ImageWrite);
        Stall.Add(c, StallReason.Checkpoint);

        Assert.False(a->Runnable || b->Runnable || c->Runnable); // I1
        Assert.True(ProcessTable.SelectNext() == null);
        Assert.Equal(2, Stall.Wake(StallReason.Checkpoint)); // I2

        Assert.True(a->Runnable && c->Runnable);
        Assert.Equal(StallReason.ImageWrite, b->Stalled);
        Assert.Equal(1, Stall.Count(StallReason.ImageWrite));
        Assert.Equal(0, Stall.Count(StallReason.Checkpoint));
    }

    [Fact]
    public void AProcessOnTwoQueuesIsAKernelBug()
    {
        using var machine = Table(out ProcessEntry* a, out _, out _);
        Stall.Add(a, StallReason.LogSpace);

        Assert.Throws<MachineHaltedException>(() => Stall.Add(a, StallReason.Checkpoint)); // I1
    }

    [Fact]
    public void AQueueCanBeRefilledAfterAWake()
    {
        using var machine = Table(out ProcessEntry* a, out ProcessEntry* b, out _);
        Stall.Add(a, StallReason.LogSpace);
        Stall.Wake(StallReason.LogSpace);
        Stall.Add(b, StallReason.LogSpace);
        Stall.Add(a, StallReason.LogSpace);

        Assert.Equal(2, Stall.Count(StallReason.LogSpace));
        Assert.Equal(2, Stall.Wake(StallReason.LogSpace));
        Assert.Equal(0, Stall.Wake(StallReason.LogSpace));
    }

    private static System.IDisposable Table(out ProcessEntry* a, out ProcessEntry* b, out ProcessEntry* c)
    {
        var processes = new StoredProcesses().Add(RunState.Running).Add(RunState.Running).Add(RunState.Running);
        var rig = processes.Boot();
        a = processes.Entry(0);
        b = processes.Entry(1);
        c = processes.Entry(2);
        return rig;
    }
}
