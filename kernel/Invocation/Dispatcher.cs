using CapOS.Kernel.Checkpoint;
using CapOS.Kernel.Diagnostics;
using CapOS.Kernel.Process;

namespace CapOS.Kernel.Invocation;

/// <summary>
/// Key invocation, the only system call (DESIGN.md §6): decode the invoked key register,
/// validate, then act. For now only kernel keys exist (void, console, a process key to the invoker, checkpoint); the
/// general path to start/resume keys replaces the switch in a later milestone. The checkpoint key
/// takes a snapshot when none is being written, else stalls its invoker until the one being written
/// ends (<see cref="DispatchOutcome.Stalled"/>: the invocation is re-executed; docs/process.md).
/// Validate first, then mutate (STYLE.md "Invocation handlers"). docs/boot.md "Syscall ABI".
/// </summary>
public static unsafe class Dispatcher
{
    /// <summary>Runs the invocation <paramref name="arguments"/> of <paramref name="invoker"/>, filling <paramref name="reply"/>.</summary>
    public static DispatchOutcome Dispatch(ProcessEntry* invoker, InvocationArguments* arguments, InvocationReply* reply)
    {
        *reply = default;
        if (arguments->KeyRegister >= NodeTree.Node.SlotCount)
        {
            reply->Result = InvocationResult.BadKeyRegister;
            return DispatchOutcome.Reply;
        }

        // Key register 0 and a rescinded key read as void (docs/process.md P1); the general invocation path
        // over every key type replaces this switch (issue 11).
        NodeTree.Key* key = invoker->KeyRegister(arguments->KeyRegister);
        switch (key == null ? NodeTree.KeyType.Void : key->Type)
        {
            case NodeTree.KeyType.Console:
                return InvokeConsole(invoker, arguments, reply);
            case NodeTree.KeyType.Process when DesignatesItself(invoker, key):
                return InvokeSelf(invoker, arguments, reply);
            case NodeTree.KeyType.Checkpoint:
                return InvokeCheckpoint(invoker, arguments, reply);
            default:
                reply->Result = InvocationResult.Void;
                return DispatchOutcome.Reply;
        }
    }

    /// <summary>True when process key <paramref name="key"/> designates the invoker's own root (not rescinded).</summary>
    private static bool DesignatesItself(ProcessEntry* invoker, NodeTree.Key* key) =>
        ObjectCache.Cache.PrepareKey(key, out ObjectCache.ObjectHeader* target) == ObjectCache.CacheResult.Ok && target == invoker->RootFrame;

    private static DispatchOutcome InvokeConsole(ProcessEntry* invoker, InvocationArguments* arguments, InvocationReply* reply)
    {
        if (arguments->Order != ConsoleOrder.WriteLine)
        {
            reply->Result = InvocationResult.UnknownOrder;
            return DispatchOutcome.Reply;
        }

        byte* text = stackalloc byte[(int)UserMemory.MaxStringLength];
        ulong length = arguments->StringLength;
        if (!UserMemory.CopyIn(arguments->StringAddress, text, length))
        {
            return StallOrBadString(invoker, reply);
        }

        Log.Write("user[");
        Log.WriteDecimal((ulong)invoker->Pid);
        Log.Write("]: ");
        for (ulong i = 0; i < length; i++)
        {
            Machine.ConsoleWrite(text[i] < 0x80 ? text[i] : (byte)'?');
        }

        Log.WriteLine();
        reply->Result = InvocationResult.Ok;
        return DispatchOutcome.Reply;
    }

    /// <summary>A copy through the invoker's memory failed: stall when the page exists but must be waited for, else BadString.</summary>
    private static DispatchOutcome StallOrBadString(ProcessEntry* invoker, InvocationReply* reply)
    {
        if (UserMemory.LastStall != StallReason.None)
        {
            Stall.Add(invoker, UserMemory.LastStall);
            return DispatchOutcome.Stalled;
        }

        reply->Result = InvocationResult.BadString;
        return DispatchOutcome.Reply;
    }

    private static DispatchOutcome InvokeSelf(ProcessEntry* invoker, InvocationArguments* arguments, InvocationReply* reply)
    {
        if (arguments->Order != SelfOrder.Exit)
        {
            reply->Result = InvocationResult.UnknownOrder;
            return DispatchOutcome.Reply;
        }

        Log.Write("proc: ");
        Log.WriteDecimal((ulong)invoker->Pid);
        Log.WriteLine(" exited");
        ProcessTable.Park(invoker, FaultCode.Halted, 0);
        return DispatchOutcome.InvokerEnded;
    }

    private static DispatchOutcome InvokeCheckpoint(ProcessEntry* invoker, InvocationArguments* arguments, InvocationReply* reply)
    {
        if (arguments->Order != CheckpointOrder.CheckpointNow)
        {
            reply->Result = InvocationResult.UnknownOrder;
            return DispatchOutcome.Reply;
        }

        CheckpointNowResult result = Checkpointer.TryCheckpointNow(out ulong sequence);
        if (result == CheckpointNowResult.Busy)
        {
            // One is being written: wait for its end, then invoke again (docs/process.md "stall queues").
            Stall.Add(invoker, StallReason.Checkpoint);
            return DispatchOutcome.Stalled;
        }

        reply->Result = sequence == 0 ? InvocationResult.CheckpointFailed : InvocationResult.Ok;
        reply->W0 = sequence;
        return DispatchOutcome.Reply;
    }
}
