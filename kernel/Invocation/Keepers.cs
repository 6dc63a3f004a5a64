using CapOS.Kernel.NodeTree;
using CapOS.Kernel.ObjectCache;
using CapOS.Kernel.Process;

namespace CapOS.Kernel.Invocation;

/// <summary>
/// Keepers: a fault the kernel cannot resolve goes to a process as a CALL from the faulting process (EROS
/// SOSP'99 §3.1 "keepers"; docs/invocation.md "Keepers"). The process keeper (root slot 1, a start key)
/// receives the process's exceptions and the page faults no segment keeper takes; a red segment's keeper
/// (slot 31 of a segment node entered with <see cref="SegmentWalk.KeeperFlag"/>) receives the page faults
/// under it. The message: order = fault code, W0 = fault info (the address, or the vector), W1 = the program
/// counter (process keeper) or the offset in the red segment (segment keeper), W2 = the program counter;
/// key 0 = a process key (process keeper) or a segment key to the red node (segment keeper), key 3 = a
/// resume key to the faulting process. The keeper's reply through that resume key with order 0
/// clears the fault and the process executes the faulting instruction again; any other order leaves it
/// parked with its fault. A fault with no keeper parks the process with its console line (UserFaults).
/// </summary>
/// <remarks>
/// I1 A process waiting for its keeper is Waiting with a nonzero fault code; its registers are those of the
///    faulting instruction, and the keeper's reply never writes them (only a process key can).
/// I2 A busy keeper queues the faulting process on its wait queue with nothing changed: when woken it
///    executes the faulting instruction again, faults again, and is delivered then.
/// Tested by KeepersTests.
/// </remarks>
public static unsafe class Keepers
{
    /// <summary>
    /// Sends the fault (<paramref name="code"/>, <paramref name="info"/>) of <paramref name="process"/> (its
    /// registers saved, program counter on the faulting instruction) to its process keeper. False when it has
    /// none (the caller parks it); true when the keeper got the fault or the process waits for the keeper.
    /// </summary>
    public static bool OnFault(ProcessEntry* process, uint code, ulong info)
    {
        Key* keeperKey = Node.Slot(Cache.NodeBody(process->RootFrame), ProcessRoot.Keeper);
        Key processKey = Key.Object(KeyType.Process, process->Root, process->RootFrame->AllocCount, KeyRights.None, 0);
        return Deliver(process, keeperKey, code, info, UserMode.ProgramCounter(process), &processKey);
    }

    /// <summary>
    /// A page fault (<paramref name="code"/> at <paramref name="address"/>) under a red segment: to its segment
    /// keeper (slot 31 of the red node) with W1 = the offset in that segment, key 0 = a segment key to the red
    /// node (so the keeper can fill it in; EROS). False when the red node has no valid keeper: the process
    /// keeper is tried next.
    /// </summary>
    public static bool OnSegmentFault(ProcessEntry* process, uint code, ulong address, Oid red, ulong redBase, ushort keyData)
    {
        if (red.IsNull || Cache.GetNode(red, out ObjectHeader* node) != CacheResult.Ok)
        {
            return false;
        }

        Key segment = Key.Object(KeyType.Segment, red, node->AllocCount, KeyRights.None, keyData);
        Cache.Pin(node);
        bool delivered = Deliver(process, Node.Slot(Cache.NodeBody(node), SegmentWalk.KeeperSlot), code, address, address - redBase, &segment);
        Cache.Unpin(node);
        return delivered;
    }

    /// <summary>The fault as a CALL from <paramref name="process"/> to the process named by the start key <paramref name="keeperKey"/>.</summary>
    private static bool Deliver(ProcessEntry* process, Key* keeperKey, uint code, ulong info, ulong w1, Key* firstKey)
    {
        if (keeperKey->Type != KeyType.Start
            || Cache.PrepareKey(keeperKey, out ObjectHeader* keeperRoot) != CacheResult.Ok
            || keeperRoot == null || keeperRoot == process->RootFrame)
        {
            return false;
        }

        ushort keyInfo = keeperKey->KeyData;
        ProcessEntry* keeper = ProcessTable.FindByRoot(keeperRoot);
        LoadResult loaded = keeper != null ? LoadResult.Ok : ProcessTable.Load(keeperRoot->Oid, keeperRoot->AllocCount, FaultMode.Asynchronous, out keeper);
        if (loaded != LoadResult.Ok)
        {
            if (loaded == LoadResult.ObjectFault && Stall.OnObject(process, ProcessTable.LastCacheResult))
            {
                return true; // faults again when the keeper's objects are in
            }

            if (!ProcessTable.IsTransient(loaded))
            {
                return false;
            }

            Stall.Add(process, StallReason.Checkpoint);
            return true;
        }

        if (!Gates.Accepts(keeper, process))
        {
            Stall.AddForReceiver(process, keeper); // I2
            return true;
        }

        InvocationArguments spec;
        UserMode.ReadArguments(keeper, &spec);
        Invocation dirtying = default;
        if (*(uint*)spec.ReceiveKeys != 0 && !dirtying.TryDirty(keeper->KeyRegistersFrame))
        {
            Stall.Add(process, dirtying.StallReason);
            return true;
        }

        // Commit point: nothing below fails.
        Key* keys = stackalloc Key[Invocation.MaxKeys];
        keys[0] = *firstKey;
        keys[1] = default;
        keys[2] = default;
        keys[3] = Key.Object(KeyType.Resume, process->Root, Cache.NodeBody(process->RootFrame)->CallCount, KeyRights.None, 0);
        InvocationReply message = default;
        message.Result = (InvocationResult)code;
        message.W0 = info;
        message.W1 = w1;
        message.W2 = UserMode.ProgramCounter(process);
        message.KeyInfo = keyInfo;
        Gates.Receive(keeper, &spec, keys, &message, process);
        process->FaultCode = code;
        process->FaultInfo = info;
        ProcessTable.SetState(process, RunState.Waiting); // I1
        return true;
    }

    /// <summary>The keeper's reply through the resume key of a process waiting for it (I1).</summary>
    public static DispatchOutcome Reply(Invocation* invocation, ProcessEntry* process)
    {
        if (!invocation->TryDirty(invocation->Target))
        {
            return DispatchOutcome.Stalled;
        }

        // Commit point: nothing below fails.
        Cache.BumpCallCount(invocation->Target);
        if (invocation->Arguments.Order == 0)
        {
            ProcessTable.ClearFault(process);
        }

        ProcessTable.SetState(process, RunState.Running);
        return Gates.Leave(invocation, process);
    }
}
