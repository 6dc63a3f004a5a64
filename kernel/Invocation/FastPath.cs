using CapOS.Kernel.NodeTree;
using CapOS.Kernel.ObjectCache;
using CapOS.Kernel.Process;

namespace CapOS.Kernel.Invocation;

/// <summary>
/// The IPC fast path (EROS SOSP'99 §4.1; seL4's fastpath): a CALL through a start key to an Available process,
/// or a RETURN through a resume key to a Waiting one, with no keys sent and no string, where everything is
/// already in memory and prepared. One straight line of numbered checks (STYLE.md: the one planned exception
/// to short methods); any check that fails sends the invocation down the general path (<see cref="Gates"/>),
/// which is the reference it must agree with: the host tests run both over the same cases (FastPathTests).
/// </summary>
/// <remarks>
/// I1 The fast path changes nothing unless every check passed (it has no stall and no failure after its commit
///    point); when it declines, the general path runs as if it had not been tried.
/// I2 Its effect equals the general path's on the same state: receiver registers, the resume key delivered
///    into the receiver's fourth receive register (CALL) or the CallCount bumped (RETURN), both run states,
///    the wait queue and the reservation for a waiting sender (FastPathTests.EveryCaseAgreesWithTheGeneralPath;
///    broken on purpose once, the waiting sender not woken on a return: the senderWaits case fails).
/// </remarks>
public static unsafe class FastPath
{
    /// <summary>
    /// Tries the invocation of <paramref name="invoker"/> (registers saved in its context). True: done, and
    /// <see cref="Dispatcher.Next"/> is the receiver to run; false: nothing changed (I1).
    /// </summary>
    public static bool TryInvoke(ProcessEntry* invoker, InvocationArguments* arguments)
    {
        // 1. A call or a return, nothing sent but words: no keys, no string.
        InvocationType type = arguments->Type;
        if ((type != InvocationType.Call && type != InvocationType.Return)
            || *(uint*)arguments->SendKeys != 0 || arguments->StringLength != 0 || arguments->KeyRegister >= Node.SlotCount)
        {
            return false;
        }

        // 2. The invoked key is of the right gate type (the cheap test before the frame of the rest is set up:
        //    every kernel-key invocation declines here).
        Key* key = invoker->KeyRegister(arguments->KeyRegister);
        KeyType wanted = type == InvocationType.Call ? KeyType.Start : KeyType.Resume;
        return key != null && key->Type == wanted && TryGate(invoker, arguments, type, key);
    }

    /// <summary>Checks 2 (the key designates its process) to the end, and the delivery, for a gate key of the right type.</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    private static bool TryGate(ProcessEntry* invoker, InvocationArguments* arguments, InvocationType type, Key* key)
    {
        // 2. (cont.) Preparing the key is invisible; a resume key delivered by a call arrives unprepared (KeySlots I1).
        if (!key->IsPrepared && (Cache.PrepareKey(key, FaultMode.Asynchronous, out _) != CacheResult.Ok || !key->IsPrepared))
        {
            return false; // void (a consumed resume key) or not in memory: the general path answers
        }

        // 3. The receiver is loaded, not the invoker, not stalled or faulted, in the state the key expects,
        //    and no earlier sender holds it (Gates I3).
        ObjectHeader* root = (ObjectHeader*)KernelReference.ToPointer(key->ObjectReference);
        ProcessEntry* receiver = ProcessTable.FindByRoot(root);
        bool call = type == InvocationType.Call;
        RunState expected = call ? RunState.Available : RunState.Waiting;
        if (receiver == null || receiver == invoker || receiver->State != expected || receiver->FaultCode != FaultCode.None
            || receiver->Stalled != StallReason.None || receiver->ReservedFor != 0)
        {
            return false;
        }

        // 4. The receiver takes no keys but (for a call) the resume key in its fourth register, whose node is
        //    dirty already; a return's target root is dirty already (its CallCount moves).
        uint receiveKeys = UserMode.ReadReceiveKeys(receiver);
        int resumeRegister = (int)(receiveKeys >> 24);
        if (call
            ? (receiveKeys & 0x00FF_FFFF) != 0 || resumeRegister >= Node.SlotCount || (resumeRegister != 0 && !IsWritable(receiver->KeyRegistersFrame))
            : receiveKeys != 0 || !IsWritable(root))
        {
            return false;
        }

        // Commit point (I1): nothing below fails.
        if (!call)
        {
            Cache.BumpCallCountOfDirtyNode(root); // a process root: a node, checked dirty now by 4
        }
        else if (resumeRegister != 0)
        {
            KeySlots.WriteResumeRegister(receiver, resumeRegister, invoker); // prepared: the reply needs no lookup
        }

        UserMode.WriteMessage(receiver, arguments, call ? key->KeyData : 0UL);
        ProcessTable.SwitchTo(invoker, call ? RunState.Waiting : RunState.Available, receiver);
        if (!call && invoker->WaitHead != 0)
        {
            Gates.ReceiverAvailable(invoker); // a sender waits: it is woken and holds the invoker (Gates I3)
        }
        else if (!call)
        {
            invoker->ReservedFor = 0; // what ReceiverAvailable does when nobody waits
        }

        Dispatcher.SetNext(receiver);
        return true;
    }

    /// <summary>True when <paramref name="frame"/> is dirty and may be written now (not frozen by a snapshot).</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    private static bool IsWritable(ObjectHeader* frame) =>
        (frame->Flags & (ObjectFlags.Dirty | ObjectFlags.CheckpointPending)) == ObjectFlags.Dirty && !Cache.IsFrozen(frame);
}
