using CapOS.Kernel.Diagnostics;
using CapOS.Kernel.NodeTree;
using CapOS.Kernel.ObjectCache;
using CapOS.Kernel.Process;

namespace CapOS.Kernel.Invocation.Keys;

/// <summary>
/// The process key: full authority over a process root (EROS process key; docs/invocation.md "Process key").
/// Orders: <see cref="ProcessOrder"/>. Root slots 3 and 4 (key registers node, register annex) and the state
/// slots 8 and 9 are the kernel's: they change only through the orders that keep the process table in step.
/// </summary>
/// <remarks>
/// I1 Every order that takes a process out of Waiting consumes its resume keys (Gates I2).
/// I2 Registers are read and set only for another process: the invoker's own registers are the reply's.
/// I3 An order that changes the run state takes the process off every stall and wait queue first, so no queue
///    holds (and no receiver stays reserved for) a process that will not invoke again
///    (GatesTests.ASenderMadeAvailableWhileQueuedNeitherBlocksTheQueueNorKeepsTheReservation).
/// </remarks>
public static unsafe class ProcessKey
{
    public static DispatchOutcome Invoke(Invocation* invocation)
    {
        uint order = invocation->Arguments.Order;
        ulong w0 = invocation->Arguments.W0;
        Node* root = Cache.NodeBody(invocation->Target);
        switch (order)
        {
            case ProcessOrder.CopyRootSlot:
                if (w0 > ProcessRoot.FaultInfo)
                {
                    return invocation->Answer(InvocationResult.RequestError);
                }

                invocation->SetReplyKey(0, Node.Slot(root, (int)w0));
                return invocation->Answer(InvocationResult.Ok);
            case ProcessOrder.SwapRootSlot:
                return SwapRootSlot(invocation, w0);
            case ProcessOrder.CopyKeyRegister:
            case ProcessOrder.SwapKeyRegister:
                return KeyRegister(invocation, order == ProcessOrder.SwapKeyRegister, w0);
            case ProcessOrder.MakeStartKey:
                if (w0 > ushort.MaxValue)
                {
                    return invocation->Answer(InvocationResult.RequestError);
                }

                invocation->SetReplyKey(0, Key.Object(KeyType.Start, invocation->Target->Oid, invocation->Target->AllocCount, KeyRights.None, (ushort)w0));
                return invocation->Answer(InvocationResult.Ok);
            case ProcessOrder.MakeResumeKey:
                invocation->SetReplyKey(0, Key.Object(KeyType.Resume, invocation->Target->Oid, root->CallCount, KeyRights.None, 0));
                return invocation->Answer(InvocationResult.Ok);
            default:
                return WithProcess(invocation);
        }
    }

    /// <summary>The orders that need the process loaded: state, registers, halt.</summary>
    private static DispatchOutcome WithProcess(Invocation* invocation)
    {
        uint order = invocation->Arguments.Order;
        if (order != ProcessOrder.Halt && order != ProcessOrder.GetRegisters && order != ProcessOrder.SetRegisters
            && order != ProcessOrder.MakeAvailable && order != ProcessOrder.MakeRunning && order != ProcessOrder.GetState)
        {
            return invocation->Answer(InvocationResult.UnknownOrder);
        }

        LoadResult loaded = ProcessTable.Load(invocation->Target->Oid, invocation->Target->AllocCount, FaultMode.Asynchronous, out ProcessEntry* process);
        if (loaded != LoadResult.Ok)
        {
            if (loaded == LoadResult.ObjectFault && Stall.OnObject(invocation->Invoker, ProcessTable.LastCacheResult))
            {
                return DispatchOutcome.Stalled;
            }

            if (ProcessTable.IsTransient(loaded))
            {
                invocation->StallReason = StallReason.Checkpoint;
                return DispatchOutcome.Stalled;
            }

            return invocation->Answer(InvocationResult.RequestError); // a malformed process: fix its root through a node key
        }

        bool self = process == invocation->Invoker;
        switch (order)
        {
            case ProcessOrder.Halt:
                return Halt(invocation, process, self);
            case ProcessOrder.GetState:
                invocation->Reply.W1 = process->FaultCode;
                invocation->Reply.W2 = process->FaultInfo;
                invocation->Reply.W3 = (ulong)process->Stalled | ((ulong)process->WaitHead << 8); // kernel state: what it waits on
                return invocation->Answer((ulong)process->State);
            case ProcessOrder.GetRegisters:
            case ProcessOrder.SetRegisters:
                return self ? invocation->Answer(InvocationResult.RequestError) : Registers(invocation, process, order == ProcessOrder.SetRegisters);
            default:
                return self ? invocation->Answer(InvocationResult.RequestError) : SetState(invocation, process, order == ProcessOrder.MakeRunning);
        }
    }

    private static DispatchOutcome Halt(Invocation* invocation, ProcessEntry* process, bool self)
    {
        if (process->State == RunState.Waiting && !invocation->TryDirty(invocation->Target))
        {
            return DispatchOutcome.Stalled;
        }

        // Commit point.
        if (process->State == RunState.Waiting)
        {
            Cache.BumpCallCount(invocation->Target); // I1
        }

        Stall.Remove(process); // its pending operation is abandoned with it (I3)
        Stall.WakeAllSenders(process);
        Log.Write("proc: ");
        Log.WriteDecimal(process->Pid);
        Log.WriteLine(self ? " exited" : " halted");
        ProcessTable.SetState(process, RunState.Running);
        ProcessTable.Park(process, FaultCode.Halted, 0);
        return self ? DispatchOutcome.InvokerEnded : invocation->Answer(InvocationResult.Ok);
    }

    private static DispatchOutcome SetState(Invocation* invocation, ProcessEntry* process, bool running)
    {
        bool waiting = process->State == RunState.Waiting;
        if (waiting && !invocation->TryDirty(invocation->Target))
        {
            return DispatchOutcome.Stalled;
        }

        // Commit point.
        if (waiting)
        {
            Cache.BumpCallCount(invocation->Target); // I1
        }

        Stall.Remove(process); // off any queue: made Running it executes its operation again, made Available it waits for a message (I3)
        if (running)
        {
            ProcessTable.ClearFault(process);
            ProcessTable.SetState(process, RunState.Running);
        }
        else
        {
            ProcessTable.SetState(process, RunState.Available);
            Gates.ReceiverAvailable(process);
        }

        return invocation->Answer(InvocationResult.Ok);
    }

    private static DispatchOutcome Registers(Invocation* invocation, ProcessEntry* process, bool set)
    {
        byte* file = stackalloc byte[RegisterFileBytes];
        UserMode.SaveRegisters(process, file);
        if (!set)
        {
            if (invocation->Arguments.ReceiveCapacity < ProcessOrder.RegisterBytes)
            {
                return invocation->Answer(InvocationResult.BadString);
            }

            if (!UserMemory.CopyOut(file, invocation->Arguments.ReceiveAddress, ProcessOrder.RegisterBytes))
            {
                return ConsoleKey.StringFailed(invocation);
            }

            invocation->Reply.StringLength = ProcessOrder.RegisterBytes;
            return invocation->Answer(InvocationResult.Ok);
        }

        if (invocation->Arguments.StringLength != ProcessOrder.RegisterBytes)
        {
            return invocation->Answer(InvocationResult.RequestError);
        }

        if (!UserMemory.CopyIn(invocation->Arguments.StringAddress, file, ProcessOrder.RegisterBytes))
        {
            return ConsoleKey.StringFailed(invocation);
        }

        // Commit point: LoadRegisters sanitizes what the CPU would refuse (RFLAGS, MXCSR).
        UserMode.LoadRegisters(process, file);
        process->Flags |= ProcessFlags.ContextChanged;
        return invocation->Answer(InvocationResult.Ok);
    }

    /// <summary>The register file as the seam saves it: general part and FXSAVE area (RegisterAnnex up to its FXSAVE end).</summary>
    private const int RegisterFileBytes = 1024;

    private static DispatchOutcome SwapRootSlot(Invocation* invocation, ulong slot)
    {
        if (slot != ProcessRoot.Schedule && slot != ProcessRoot.Keeper && slot != ProcessRoot.AddressSpace && slot != ProcessRoot.Brand)
        {
            return invocation->Answer(InvocationResult.RequestError);
        }

        Key* sent = invocation->SentKey(0);
        KeyType type = sent == null ? KeyType.Void : sent->Type;
        if (!ProcessCheck.IsLegal((int)slot, type))
        {
            return invocation->Answer(InvocationResult.RequestError);
        }

        if (!invocation->TryDirty(invocation->Target))
        {
            return DispatchOutcome.Stalled;
        }

        // Commit point.
        Key* current = Node.Slot(Cache.NodeBody(invocation->Target), (int)slot);
        invocation->SetReplyKey(0, current);
        KeySlots.Write(invocation->Target, (int)slot, sent);
        return invocation->Answer(InvocationResult.Ok);
    }

    private static DispatchOutcome KeyRegister(Invocation* invocation, bool swap, ulong register)
    {
        if (register >= Node.SlotCount || (swap && register == 0))
        {
            return invocation->Answer(InvocationResult.RequestError);
        }

        Key* registers = Node.Slot(Cache.NodeBody(invocation->Target), ProcessRoot.KeyRegisters);
        if (Cache.PrepareKey(registers, out ObjectHeader* node) != CacheResult.Ok || node == null || registers->Type != KeyType.Node)
        {
            return invocation->Answer(InvocationResult.RequestError);
        }

        Key* current = register == 0 ? null : Node.Slot(Cache.NodeBody(node), (int)register);
        if (!swap)
        {
            invocation->SetReplyKey(0, current);
            return invocation->Answer(InvocationResult.Ok);
        }

        Cache.Pin(node);
        bool dirty = invocation->TryDirty(node);
        Cache.Unpin(node);
        if (!dirty)
        {
            return DispatchOutcome.Stalled;
        }

        // Commit point.
        invocation->SetReplyKey(0, current);
        KeySlots.Write(node, (int)register, invocation->SentKey(0));
        return invocation->Answer(InvocationResult.Ok);
    }
}
