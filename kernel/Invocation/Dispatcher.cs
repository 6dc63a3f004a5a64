using CapOS.Kernel.NodeTree;
using CapOS.Kernel.ObjectCache;
using CapOS.Kernel.Process;

namespace CapOS.Kernel.Invocation;

/// <summary>
/// Key invocation, the only system call (DESIGN.md §6; EROS SOSP'99 §3.3, §4.1; docs/invocation.md): decode and
/// validate the invoker's arguments, prepare the invoked key, then route: a void key answers Void, a gate key
/// (start, resume) delivers a message to a process (<see cref="Gates"/>), every other key is a kernel key
/// (<see cref="KernelKeys"/>, one handler file per type). A kernel operation that must wait is abandoned with
/// no visible effect and the invoker stalls (<see cref="DispatchOutcome.Stalled"/>: it executes the invocation
/// again when woken).
/// </summary>
/// <remarks>
/// The trap path has saved the invoker's registers in its context before calling <see cref="Dispatch"/>
/// (so a gate invocation can leave the invoker waiting, its program counter after the invocation).
/// I1 Nothing is changed before every register number, the invocation type and the invoked key are valid.
/// I2 The invoker's key registers node is dirtied before any handler runs when the invoker names receive key
///    registers (so writing reply keys after the commit point cannot be refused).
/// </remarks>
public static unsafe class Dispatcher
{
    private static ProcessEntry* s_next;

    /// <summary>After <see cref="DispatchOutcome.Switched"/>: the process to run next (a directed switch), or null for any.</summary>
    public static ProcessEntry* Next => s_next;

    /// <summary>Names the process to run after a gate invocation (<see cref="Gates"/>, <see cref="Keepers"/>).</summary>
    internal static void SetNext(ProcessEntry* next) => s_next = next;

    /// <summary>Forgets the last directed switch (the fast path sets it without a dispatch).</summary>
    public static void ClearNext() => s_next = null;

    /// <summary>Runs the invocation <paramref name="arguments"/> of <paramref name="invoker"/>, filling <paramref name="reply"/> (for Reply).</summary>
    public static DispatchOutcome Dispatch(ProcessEntry* invoker, InvocationArguments* arguments, InvocationReply* reply)
    {
        s_next = null;
        Invocation invocation = default;
        invocation.Invoker = invoker;
        CopyArguments(&invocation.Arguments, arguments);
        DispatchOutcome outcome = Decode(&invocation);
        if (outcome == DispatchOutcome.Reply && invocation.Reply.Result == InvocationResult.Ok)
        {
            outcome = Route(&invocation);
        }

        if (outcome == DispatchOutcome.Reply)
        {
            outcome = Finish(&invocation);
        }
        else if (outcome == DispatchOutcome.Stalled && invoker->Stalled == StallReason.None)
        {
            Stall.Add(invoker, invocation.StallReason); // unless a wait queue or an object's read queue has it already
        }

        *reply = invocation.Reply;
        return outcome;
    }

    /// <summary>Words of <see cref="InvocationArguments"/> (DispatcherTests pins it).</summary>
    public const int ArgumentWords = 10;

    /// <summary>The arguments word by word: a struct copy of this size is a call of the corelib's byte-wise copy (about 80 instructions on the syscall path).</summary>
    private static void CopyArguments(InvocationArguments* to, InvocationArguments* from)
    {
        ulong* t = (ulong*)to;
        ulong* f = (ulong*)from;
        t[0] = f[0];
        t[1] = f[1];
        t[2] = f[2];
        t[3] = f[3];
        t[4] = f[4];
        t[5] = f[5];
        t[6] = f[6];
        t[7] = f[7];
        t[8] = f[8];
        t[9] = f[9];
    }

    /// <summary>Validates every register number and the type, prepares the invoked key (I1), dirties the key registers node (I2).</summary>
    private static DispatchOutcome Decode(Invocation* invocation)
    {
        InvocationArguments* arguments = &invocation->Arguments;
        if (arguments->Type > InvocationType.Send)
        {
            return invocation->Answer(InvocationResult.BadInvocation);
        }

        // Four register numbers per word, one per byte: each must be below 32 (Node.SlotCount), so its top three bits clear.
        uint sent = *(uint*)arguments->SendKeys;
        uint received = *(uint*)arguments->ReceiveKeys;
        bool receivesKeys = received != 0;
        if (((sent | received) & 0xE0E0E0E0u) != 0 || arguments->KeyRegister >= Node.SlotCount)
        {
            return invocation->Answer(InvocationResult.BadKeyRegister);
        }

        Key* key = invocation->Invoker->KeyRegister(arguments->KeyRegister);
        if (key != null && key->Type != KeyType.Void)
        {
            CacheResult prepared = Cache.PrepareKey(key, FaultMode.Asynchronous, out invocation->Target);
            if (prepared != CacheResult.Ok && Stall.OnObject(invocation->Invoker, prepared))
            {
                return DispatchOutcome.Stalled; // the object is on its way: invoke again when it is in
            }

            if (prepared != CacheResult.Ok)
            {
                return invocation->Answer(InvocationResult.ObjectUnavailable);
            }

            invocation->Key = KeyTypes.IsObject(key->Type) && invocation->Target == null ? null : key;
        }

        if (receivesKeys && arguments->Type != InvocationType.Send && !invocation->TryDirty(invocation->Invoker->KeyRegistersFrame))
        {
            return DispatchOutcome.Stalled;
        }

        return invocation->Answer(InvocationResult.Ok);
    }

    private static DispatchOutcome Route(Invocation* invocation)
    {
        Key* key = invocation->Key;
        if (key == null)
        {
            return invocation->Answer(InvocationResult.Void);
        }

        return KeyTypes.IsGate(key->Type) ? Gates.Invoke(invocation) : KernelKeys.Invoke(invocation);
    }

    /// <summary>
    /// A kernel key (or the void key) answered: a call gets the reply and its keys (void where the reply has none), a send the reply alone; a return discards
    /// them and leaves the invoker Available, waiting for its next message.
    /// </summary>
    private static DispatchOutcome Finish(Invocation* invocation)
    {
        ProcessEntry* invoker = invocation->Invoker;
        if (invocation->Arguments.Type == InvocationType.Return)
        {
            ProcessTable.SetState(invoker, RunState.Available);
            Gates.ReceiverAvailable(invoker);
            return DispatchOutcome.Switched;
        }

        if (invocation->Arguments.Type == InvocationType.Call && *(uint*)invocation->Arguments.ReceiveKeys != 0)
        {
            for (int i = 0; i < Invocation.MaxKeys; i++)
            {
                int register = invocation->Arguments.ReceiveKeys[i];
                if (register != 0)
                {
                    Key key = invocation->ReplyKey(i);
                    KeySlots.WriteRegister(invoker, register, &key);
                }
            }
        }

        return DispatchOutcome.Reply;
    }
}
