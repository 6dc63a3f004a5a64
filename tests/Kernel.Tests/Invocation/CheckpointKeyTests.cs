using CapOS.Kernel.Checkpoint;
using CapOS.Kernel.Invocation;
using CapOS.Kernel.Io;
using CapOS.Kernel.NodeTree;
using CapOS.Kernel.ObjectCache;
using CapOS.Kernel.Process;
using CapOS.Kernel.Tests.Checkpoint;
using CapOS.Kernel.Tests.Process;
using Xunit;

namespace CapOS.Kernel.Tests.Invocation;

/// <summary>
/// The checkpoint key's dispatch (Dispatcher.InvokeCheckpoint; docs/checkpoint.md "Triggers"): "checkpoint now"
/// replies the snapshot's sequence and the checkpoint commits; a bad order is refused without taking one; a
/// stopped checkpointer is an error result, not a crash. On a booted store (CheckpointerTestRig).
/// </summary>
public sealed unsafe class CheckpointKeyTests
{
    private const byte CheckpointRegister = 3;
    /// <summary>One stored process holding the checkpoint key in register <see cref="CheckpointRegister"/>.</summary>
    private static readonly StoredProcesses Processes = new StoredProcesses().Add(RunState.Running,
        new System.Collections.Generic.Dictionary<int, Key> { [CheckpointRegister] = Key.Kernel(KeyType.Checkpoint, 0) });

    [Fact]
    public void CheckpointNowRepliesTheNewSequenceAndItCommits()
    {
        using var rig = Processes.Boot();
        Assert.True(CheckpointerTestRig.WritePage(Processes.FreePage(1), 7));
        ulong before = Generation.Sequence;

        InvocationReply reply = Invoke(CheckpointOrder.CheckpointNow);

        Assert.Equal(InvocationResult.Ok, reply.Result);
        Assert.Equal(before + 1, reply.W0);
        CheckpointerTestRig.PumpUntilCommitted();
        Assert.Equal(before + 1, Generation.Sequence);
        Assert.Equal((byte)7, CheckpointerTestRig.PageByte(Processes.FreePage(1)));
    }

    [Fact]
    public void WhileOneIsBeingWrittenTheInvokerStallsAndIsWokenWhenItEnds()
    {
        using var rig = Processes.Boot();
        ProcessEntry* invoker = Processes.Entry(0);
        Assert.True(CheckpointerTestRig.WritePage(Processes.FreePage(1), 7));
        ulong first = Checkpointer.TakeCheckpoint();

        Assert.Equal(DispatchOutcome.Stalled, Dispatch(invoker, CheckpointOrder.CheckpointNow, out _));

        Assert.Equal(StallReason.Checkpoint, invoker->Stalled);
        Assert.False(invoker->Runnable);
        Assert.Equal(1, Stall.Count(StallReason.Checkpoint));
        Checkpointer.Drain();
        Assert.Equal(StallReason.None, invoker->Stalled); // woken when the checkpoint being written ended
        Assert.True(invoker->Runnable);
        Assert.Equal(DispatchOutcome.Reply, Dispatch(invoker, CheckpointOrder.CheckpointNow, out InvocationReply again));
        Assert.Equal(first + 1, again.W0);
    }

    [Fact]
    public void AStalledInvokerRunsBeforeTheNextIntervalCheckpointEvenWhenTheyRunBackToBack()
    {
        using var rig = Processes.Boot();
        ProcessEntry* invoker = Processes.Entry(0);
        Checkpointer.SetInterval(10);
        Assert.True(CheckpointerTestRig.WritePage(Processes.FreePage(1), 7));
        ulong first = Checkpointer.TakeCheckpoint();
        Assert.Equal(DispatchOutcome.Stalled, Dispatch(invoker, CheckpointOrder.CheckpointNow, out _));
        rig.Machine.AdvanceTicks(rig.Machine.TimerHz); // the interval ran out long before the writer is Idle again

        while (invoker->Stalled == StallReason.Checkpoint)
        {
            Checkpointer.Pump();
            BlockDevice.Wait();
        }

        Assert.True(invoker->Runnable);
        Assert.False(Checkpointer.Busy); // the interval checkpoint did not start in the pump that woke it
        Assert.Equal(DispatchOutcome.Reply, Dispatch(invoker, CheckpointOrder.CheckpointNow, out InvocationReply again));
        Assert.Equal(first + 1, again.W0);
        Checkpointer.SetInterval(0);
    }

    [Fact]
    public void WakingAStalledInvokerNeverBringsTheIntervalCheckpointForward()
    {
        using var rig = Processes.Boot();
        ProcessEntry* invoker = Processes.Entry(0);
        Checkpointer.SetInterval(1000);
        Assert.True(CheckpointerTestRig.WritePage(Processes.FreePage(1), 7));
        Checkpointer.TakeCheckpoint();
        Assert.Equal(DispatchOutcome.Stalled, Dispatch(invoker, CheckpointOrder.CheckpointNow, out _));

        Checkpointer.Drain(); // idle long before the interval is due: woken
        Assert.True(invoker->Runnable);
        Assert.True(CheckpointerTestRig.WritePage(Processes.FreePage(1), 8));
        rig.Machine.AdvanceTicks(rig.Machine.TimerHz / 2); // past a quarter interval, half of it
        Checkpointer.Pump();

        Assert.False(Checkpointer.Busy); // the interval checkpoint is still a second after the last one
        Checkpointer.SetInterval(0);
    }

    [Fact]
    public void BadOrderIsRefusedAndTakesNoCheckpoint()
    {
        using var rig = Processes.Boot();
        Assert.True(CheckpointerTestRig.WritePage(Processes.FreePage(1), 7));
        ulong before = Generation.Sequence;

        InvocationReply reply = Invoke(99);

        Assert.Equal(InvocationResult.UnknownOrder, reply.Result);
        Assert.Equal(0UL, reply.W0);
        Assert.False(Checkpointer.Writing);
        Checkpointer.Drain();
        Assert.Equal(before, Generation.Sequence);
    }

    [Fact]
    public void StoppedCheckpointingIsAnErrorResult()
    {
        using var rig = Processes.Boot();
        ObjectHeader* frame = CheckpointerTestRig.Page(Processes.FreePage(5));
        frame->ObType = ObType.Node;
        Checkpointer.TakeCheckpoint(); // the object checks run after the pause, before the commit
        Checkpointer.Drain();
        Assert.True(Checkpointer.Stopped);
        ulong before = Generation.Sequence;

        InvocationReply reply = Invoke(CheckpointOrder.CheckpointNow);

        Assert.Equal(InvocationResult.CheckpointFailed, reply.Result);
        Assert.Equal(0UL, reply.W0);
        Assert.Equal(before, Generation.Sequence);
    }

    private static DispatchOutcome Dispatch(ProcessEntry* invoker, uint order, out InvocationReply reply)
    {
        InvocationArguments arguments = default;
        arguments.KeyRegister = CheckpointRegister;
        arguments.Order = order;
        InvocationReply result;
        DispatchOutcome outcome = Dispatcher.Dispatch(invoker, &arguments, &result);
        reply = result;
        return outcome;
    }

    private static InvocationReply Invoke(uint order)
    {
        Assert.Equal(DispatchOutcome.Reply, Dispatch(Processes.Entry(0), order, out InvocationReply reply));
        return reply;
    }
}
