using System.Collections.Generic;
using CapOS.Kernel.Invocation;
using CapOS.Kernel.NodeTree;
using CapOS.Kernel.Process;
using CapOS.Kernel.Tests.Checkpoint;
using CapOS.Kernel.Tests.Process;
using Xunit;
using static CapOS.Kernel.Tests.Invocation.KeyInvoker;

namespace CapOS.Kernel.Tests.Invocation;

/// <summary>
/// The sleep key and persistent time (SleepKey, Stall I3, PersistentTime; docs/invocation.md "Sleep key") on the
/// simulated machine's manual clock (100 Hz: 10 ms a tick): sleepers wake in deadline order from the timer path,
/// a relative sleep becomes its absolute form, time and sleepers survive a checkpoint and restart.
/// </summary>
public sealed unsafe class SleepKeyTests
{
    private const byte Sleep = 1;
    private readonly StoredProcesses _processes = new();

    public SleepKeyTests()
    {
        for (int i = 0; i < 3; i++)
        {
            _processes.Add(RunState.Running, new Dictionary<int, Key> { [Sleep] = Key.Kernel(KeyType.Sleep, 0) });
        }
    }

    [Fact]
    public void NowCountsTimerTicksInMilliseconds()
    {
        using var rig = _processes.Boot();
        Call(_processes.Entry(0), Sleep, SleepOrder.Now, out InvocationReply before);
        rig.Machine.AdvanceTicks(25);
        Call(_processes.Entry(0), Sleep, SleepOrder.Now, out InvocationReply after);

        Assert.Equal(InvocationResult.Ok, after.Result);
        Assert.Equal(0UL, before.W0); // imagegen's checkpoint (and any older image) starts time at 0
        Assert.Equal(250UL, after.W0 - before.W0);
    }

    [Fact]
    public void ASleepStallsUntilItsDeadlineAndThenReplies()
    {
        using var rig = _processes.Boot();
        ProcessEntry* sleeper = _processes.Entry(0);

        Assert.Equal(DispatchOutcome.Stalled, Call(sleeper, Sleep, SleepOrder.Sleep, out _, w0: 45));

        Assert.Equal(StallReason.Sleep, sleeper->Stalled);
        Assert.False(sleeper->Runnable);
        InvocationArguments pending = Pending(sleeper);
        Assert.Equal(SleepOrder.SleepUntil, pending.Order); // the restartable form
        Assert.Equal(45UL, pending.W0);
        rig.Machine.AdvanceTicks(4);
        Scheduler.OnUserInterrupt();
        Assert.Equal(StallReason.Sleep, sleeper->Stalled); // 40 ms: not yet
        rig.Machine.AdvanceTicks(1);
        Scheduler.OnUserInterrupt();
        Assert.True(sleeper->Runnable);

        Assert.Equal(DispatchOutcome.Reply, Again(sleeper, out InvocationReply reply));
        Assert.Equal(InvocationResult.Ok, reply.Result);
        Assert.Equal(50UL, reply.W0);
    }

    [Fact]
    public void SleepersWakeInDeadlineOrder()
    {
        using var rig = _processes.Boot();
        ulong[] durations = [30, 10, 20];
        for (int i = 0; i < 3; i++)
        {
            Assert.Equal(DispatchOutcome.Stalled, Call(_processes.Entry(i), Sleep, SleepOrder.Sleep, out _, w0: durations[i]));
        }

        Assert.Equal(3, Stall.Count(StallReason.Sleep));
        Assert.Equal(10UL, Stall.NextWakeTime);
        var order = new List<int>();
        for (int tick = 0; tick < 4; tick++)
        {
            rig.Machine.AdvanceTicks(1);
            Scheduler.OnUserInterrupt();
            for (int i = 0; i < 3; i++)
            {
                if (_processes.Entry(i)->Stalled == StallReason.None && !order.Contains(i))
                {
                    order.Add(i);
                }
            }
        }

        Assert.Equal([1, 2, 0], order);
        Assert.Equal(0, Stall.Count(StallReason.Sleep));
        Assert.False(Stall.Any);
    }

    [Fact]
    public void ZeroOrAPastDeadlineRepliesAtOnceAndAnUnknownOrderIsRefused()
    {
        using var rig = _processes.Boot();
        rig.Machine.AdvanceTicks(10);
        ProcessEntry* process = _processes.Entry(0);

        Assert.Equal(DispatchOutcome.Reply, Call(process, Sleep, SleepOrder.Sleep, out InvocationReply reply, w0: 0));
        Assert.Equal(100UL, reply.W0);
        Assert.Equal(DispatchOutcome.Reply, Call(process, Sleep, SleepOrder.SleepUntil, out reply, w0: 100));
        Assert.Equal(InvocationResult.Ok, reply.Result);
        Assert.Equal(DispatchOutcome.Reply, Call(process, Sleep, 99, out reply));
        Assert.Equal(InvocationResult.UnknownOrder, reply.Result);
        Call(process, Sleep, KeyOrder.AllegedKeyType, out reply);
        Assert.Equal((ulong)KeyType.Sleep, reply.W0);
        Assert.Equal(StallReason.None, process->Stalled);
    }

    [Fact]
    public void AnIdleSystemWithASleeperWaitsForItInsteadOfHalting()
    {
        using var rig = _processes.Boot();
        for (int i = 1; i < 3; i++)
        {
            ProcessTable.Park(_processes.Entry(i), FaultCode.Halted, 0);
        }

        Call(_processes.Entry(0), Sleep, SleepOrder.Sleep, out _, w0: 200);
        UserMode.Entered.Clear();

        Scheduler.RunNext(); // idles (the manual clock advances a tick per wait) until the sleeper is due

        Assert.Equal([1u], UserMode.Entered);
        Assert.Equal(20UL, rig.Machine.TimerTicks);
    }

    [Fact]
    public void TimeAndASleeperSurviveACheckpointAndRestart()
    {
        byte[] image;
        using (var rig = _processes.Boot())
        {
            rig.Machine.AdvanceTicks(30); // 300 ms
            Assert.Equal(DispatchOutcome.Stalled, Call(_processes.Entry(0), Sleep, SleepOrder.Sleep, out _, w0: 500));
            rig.Machine.AdvanceTicks(10); // 400 ms: the snapshot's time
            CheckpointerTestRig.Checkpoint();
            rig.Machine.AdvanceTicks(50); // lost with the crash
            image = (byte[])rig.Disk.Image.Clone();
        }

        using var after = _processes.Boot(image);
        ProcessEntry* sleeper = _processes.Entry(0);
        Assert.Equal(400UL, PersistentTime.NowMs); // resumes from the snapshot's time, on a machine whose ticks restart at 0
        Assert.True(sleeper->Runnable); // a stall is kernel state: the restarted process executes its invocation again...
        Assert.Equal(SleepOrder.SleepUntil, Pending(sleeper).Order);
        Assert.Equal(DispatchOutcome.Stalled, Again(sleeper, out _)); // ...which is the sleep until 800 ms
        after.Machine.AdvanceTicks(39);
        Scheduler.OnUserInterrupt();
        Assert.Equal(StallReason.Sleep, sleeper->Stalled);
        after.Machine.AdvanceTicks(1);
        Scheduler.OnUserInterrupt();
        Assert.Equal(DispatchOutcome.Reply, Again(sleeper, out InvocationReply reply));
        Assert.Equal(800UL, reply.W0);
    }
}
