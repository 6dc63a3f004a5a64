using CapOS.Kernel.NodeTree;
using CapOS.Kernel.ObjectCache;
using CapOS.Kernel.Process;

namespace CapOS.Kernel.Invocation;

/// <summary>
/// Gate keys: a message to a process (EROS SOSP'99 §3.3 "invocation"; docs/invocation.md "Gates"). A start key
/// delivers to its process when that process is Available (else the invoker waits in the process's wait queue,
/// first come first served); a resume key delivers to its process, which is Waiting for exactly this reply, and
/// consumes every copy of itself (the root's CallCount goes up). A CALL leaves the invoker Waiting and gives the
/// receiver a resume key in its fourth key slot; a RETURN leaves the invoker Available; a SEND leaves it running.
/// </summary>
/// <remarks>
/// I1 Validate, then commit: everything that can stall or fail (loading the receiver, probing both strings,
///    dirtying the receiver's key registers node and, for a resume key, its root) happens before the first
///    change; after the commit point nothing fails.
/// I2 A valid resume key designates a Waiting process: every way out of Waiting bumps the CallCount (a reply
///    here; the keeper's reply to a fault; the process key's orders).
/// I3 A process that becomes Available with senders queued is reserved for the first of them (ReservedFor):
///    no later sender overtakes it (fair wait queue).
/// Tested by GatesTests.
/// </remarks>
public static unsafe class Gates
{
    /// <summary>Delivers the invocation through the start or resume key <see cref="Invocation.Key"/>.</summary>
    public static DispatchOutcome Invoke(Invocation* invocation)
    {
        ProcessEntry* invoker = invocation->Invoker;
        bool resume = invocation->Key->Type == KeyType.Resume;
        ObjectHeader* root = invocation->Target;
        if (root == invoker->RootFrame)
        {
            // A start key to oneself would wait for ever; a resume key to oneself is stale (I2).
            return invocation->Answer(resume ? InvocationResult.Void : InvocationResult.BadInvocation);
        }

        ProcessEntry* receiver = ProcessTable.FindByRoot(root);
        LoadResult loaded = receiver != null ? LoadResult.Ok : ProcessTable.Load(root->Oid, root->AllocCount, FaultMode.Asynchronous, out receiver);
        if (loaded != LoadResult.Ok)
        {
            if (loaded == LoadResult.ObjectFault && Stall.OnObject(invocation->Invoker, ProcessTable.LastCacheResult))
            {
                return DispatchOutcome.Stalled;
            }

            if (ProcessTable.IsTransient(loaded))
            {
                invocation->StallReason = StallReason.Checkpoint; // entries and log room come free at the commit
                return DispatchOutcome.Stalled;
            }

            return invocation->Answer(InvocationResult.Void);
        }

        if (resume)
        {
            if (receiver->State != RunState.Waiting)
            {
                return invocation->Answer(InvocationResult.Void); // I2 says this cannot be; a void key does nothing
            }
        }
        else if (!Accepts(receiver, invoker))
        {
            Stall.AddForReceiver(invoker, receiver);
            invocation->StallReason = StallReason.Receiver;
            return DispatchOutcome.Stalled;
        }

        return Deliver(invocation, receiver, resume);
    }

    /// <summary>
    /// <paramref name="process"/> has just become Available: the first sender on its wait queue is woken and the
    /// process reserved for it (I3).
    /// </summary>
    public static void ReceiverAvailable(ProcessEntry* process)
    {
        if (process->WaitHead == 0)
        {
            process->ReservedFor = 0; // nobody waits (the common case: no loop, no call)
            return;
        }

        ProcessEntry* sender;
        do
        {
            sender = Stall.WakeFirstSender(process);
        }
        while (sender != null && !WillInvokeAgain(sender)); // one that no longer runs is dropped from the queue

        process->ReservedFor = sender == null ? 0 : sender->Pid;
    }

    /// <summary>True when <paramref name="sender"/>, woken from a wait queue, will execute its invocation again.</summary>
    private static bool WillInvokeAgain(ProcessEntry* sender) =>
        sender->InUse && sender->State == RunState.Running && sender->FaultCode == FaultCode.None;

    /// <summary>True when <paramref name="receiver"/> takes a message from <paramref name="sender"/> now.</summary>
    internal static bool Accepts(ProcessEntry* receiver, ProcessEntry* sender)
    {
        if (receiver->State != RunState.Available || receiver->FaultCode != FaultCode.None || receiver->Stalled != StallReason.None)
        {
            return false;
        }

        if (receiver->ReservedFor == 0 || receiver->ReservedFor == sender->Pid)
        {
            return true;
        }

        // The reserved sender went away (unloaded, parked, or no longer Running: a process key made it Available
        // or Waiting): it will not invoke again, so the reservation passes to the next one.
        ProcessEntry* reserved = ProcessTable.Entry((int)receiver->ReservedFor - 1);
        if (!WillInvokeAgain(reserved))
        {
            ReceiverAvailable(receiver);
            return receiver->ReservedFor == 0 || receiver->ReservedFor == sender->Pid;
        }

        return false;
    }

    private static DispatchOutcome Deliver(Invocation* invocation, ProcessEntry* receiver, bool resume)
    {
        if (resume && receiver->FaultCode != FaultCode.None)
        {
            return Keepers.Reply(invocation, receiver);
        }

        InvocationArguments* sent = &invocation->Arguments;
        InvocationArguments spec;
        UserMode.ReadArguments(receiver, &spec);
        SpaceCopy.PageList source;
        SpaceCopy.PageList destination;
        DispatchOutcome outcome = Prepare(invocation, receiver, resume, &spec, &source, &destination, out ulong length);
        if (outcome == DispatchOutcome.Reply && invocation->Reply.Result == InvocationResult.Ok)
        {
            // Commit point (I1): nothing below fails.
            SpaceCopy.Copy(&source, sent->StringAddress, &destination, spec.ReceiveAddress, length);
            Key* keys = stackalloc Key[Invocation.MaxKeys];
            KeysSent(invocation, keys);
            InvocationReply message = InvocationReply.Message(sent, length, resume ? 0UL : invocation->Key->KeyData);
            Receive(receiver, &spec, keys, &message, invocation->Invoker);
            if (resume)
            {
                Cache.BumpCallCount(invocation->Target);
            }

            outcome = Leave(invocation, receiver);
        }

        SpaceCopy.Release(&source);
        SpaceCopy.Release(&destination);
        return outcome;
    }

    /// <summary>Everything that may stall or fail, before the commit point (I1): strings probed, nodes dirtied.</summary>
    private static DispatchOutcome Prepare(Invocation* invocation, ProcessEntry* receiver, bool resume, InvocationArguments* spec,
        SpaceCopy.PageList* source, SpaceCopy.PageList* destination, out ulong length)
    {
        InvocationArguments* sent = &invocation->Arguments;
        length = 0;
        destination->Count = 0;
        SpaceCopy.ProbeResult probe = SpaceCopy.Probe(invocation->Invoker, sent->StringAddress, sent->StringLength, false, source, out _);
        if (probe != SpaceCopy.ProbeResult.Ok)
        {
            return ProbeFailed(invocation, probe, InvocationResult.BadString);
        }

        ulong wanted = sent->StringLength < spec->ReceiveCapacity ? sent->StringLength : spec->ReceiveCapacity;
        probe = SpaceCopy.Probe(receiver, spec->ReceiveAddress, wanted, true, destination, out length);
        if (probe == SpaceCopy.ProbeResult.Stall)
        {
            return ProbeFailed(invocation, probe, InvocationResult.Ok);
        }

        // A receive buffer that is short or unreadable takes what fits: the receiver learns the length (EROS).
        bool receivesKeys = false;
        for (int i = 0; i < Invocation.MaxKeys; i++)
        {
            receivesKeys |= spec->ReceiveKeys[i] != 0 && spec->ReceiveKeys[i] < Node.SlotCount;
        }

        if (receivesKeys && !invocation->TryDirty(receiver->KeyRegistersFrame))
        {
            return DispatchOutcome.Stalled;
        }

        if (resume && !invocation->TryDirty(invocation->Target))
        {
            return DispatchOutcome.Stalled;
        }

        return invocation->Answer(InvocationResult.Ok);
    }

    private static DispatchOutcome ProbeFailed(Invocation* invocation, SpaceCopy.ProbeResult probe, InvocationResult whenShort)
    {
        if (probe == SpaceCopy.ProbeResult.Stall && Stall.OnObject(invocation->Invoker, SpaceCopy.LastCause))
        {
            return DispatchOutcome.Stalled; // queued on the page's (or a node's) read
        }

        if (probe == SpaceCopy.ProbeResult.Stall)
        {
            invocation->StallReason = SpaceCopy.LastStall;
            return DispatchOutcome.Stalled;
        }

        return invocation->Answer(probe == SpaceCopy.ProbeResult.Unavailable ? InvocationResult.ObjectUnavailable : whenShort);
    }

    /// <summary>
    /// The receiving side of every delivery (a message through a gate key, a fault to a keeper): the four keys into
    /// the receiver's receive registers (void where the message has none), the message into its registers, and it
    /// runs; a reservation the sender held is used up (I3).
    /// </summary>
    internal static void Receive(ProcessEntry* receiver, InvocationArguments* spec, Key* keys, InvocationReply* message, ProcessEntry* sender)
    {
        for (int i = 0; i < Invocation.MaxKeys; i++)
        {
            int register = spec->ReceiveKeys[i];
            if (register != 0 && register < Node.SlotCount)
            {
                KeySlots.WriteRegister(receiver, register, &keys[i]);
            }
        }

        UserMode.WriteReply(receiver, message);
        if (receiver->ReservedFor == sender->Pid)
        {
            receiver->ReservedFor = 0;
        }

        ProcessTable.SetState(receiver, RunState.Running);
    }

    /// <summary>The keys a message carries, in disk form: the sent ones, except that a CALL's fourth is the resume key to the invoker.</summary>
    private static void KeysSent(Invocation* invocation, Key* copies)
    {
        ProcessEntry* invoker = invocation->Invoker;
        for (int i = 0; i < Invocation.MaxKeys; i++)
        {
            Key* sent = invocation->SentKey(i);
            copies[i] = default;
            if (sent != null)
            {
                Cache.DiskForm(sent, &copies[i]);
            }
        }

        if (invocation->Arguments.Type == InvocationType.Call)
        {
            copies[3] = Key.Object(KeyType.Resume, invoker->Root, Cache.NodeBody(invoker->RootFrame)->CallCount, KeyRights.None, 0);
        }
    }

    /// <summary>What becomes of the invoker once the message is delivered.</summary>
    internal static DispatchOutcome Leave(Invocation* invocation, ProcessEntry* receiver)
    {
        ProcessEntry* invoker = invocation->Invoker;
        switch (invocation->Arguments.Type)
        {
            case InvocationType.Call:
                ProcessTable.SetState(invoker, RunState.Waiting);
                Dispatcher.SetNext(receiver);
                return DispatchOutcome.Switched;
            case InvocationType.Return:
                ProcessTable.SetState(invoker, RunState.Available);
                ReceiverAvailable(invoker);
                Dispatcher.SetNext(receiver);
                return DispatchOutcome.Switched;
            default:
                return invocation->Answer(InvocationResult.Ok);
        }
    }
}
