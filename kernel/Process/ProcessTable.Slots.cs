using CapOS.Kernel.NodeTree;
using CapOS.Kernel.ObjectCache;

namespace CapOS.Kernel.Process;

/// <summary>
/// Root slots changed through keys, and the run-state changes invocation makes (docs/invocation.md
/// "Process states"; EROS: a node key to a process root changes the process).
/// </summary>
/// <remarks>
/// I7 A loaded entry's run state, fault code and fault info equal its root's slots 8 and 9 once both are
///    written back; a write to slot 8 or 9 through a key is taken into the entry at once (SlotChanged), so the
///    next write-back cannot undo it. Root slots 3 and 4 of a loaded process are never written through a
///    key (the node and process key handlers refuse: <see cref="IsLoadedRoot"/>).
/// </remarks>
public static unsafe partial class ProcessTable
{
    /// <summary>True when <paramref name="node"/> is the root of a loaded process and <paramref name="slot"/> is one its entry pins (3, 4).</summary>
    public static bool IsPinnedRootSlot(ObjectHeader* node, int slot) =>
        (slot == ProcessRoot.KeyRegisters || slot == ProcessRoot.RegisterAnnex) && FindByRoot(node) != null;

    /// <summary>True when <paramref name="node"/> is the root of a loaded process.</summary>
    public static bool IsLoadedRoot(ObjectHeader* node) => FindByRoot(node) != null;

    /// <summary>Slot <paramref name="slot"/> of <paramref name="node"/> was written through a key (I7).</summary>
    public static void SlotChanged(ObjectHeader* node, int slot)
    {
        if (slot != ProcessRoot.State && slot != ProcessRoot.FaultInfo)
        {
            return;
        }

        ProcessEntry* entry = FindByRoot(node);
        if (entry == null)
        {
            return;
        }

        Key* key = Node.Slot(Cache.NodeBody(node), slot);
        if (slot == ProcessRoot.FaultInfo)
        {
            entry->FaultInfo = key->Type == KeyType.Number ? key->Word(0) | ((ulong)key->Word(1) << 32) : 0;
            return;
        }

        RunState state = key->Type == KeyType.Number ? (RunState)key->Word(0) : RunState.None;
        if (state == RunState.None || state > RunState.Waiting)
        {
            entry->State = RunState.Running;
            entry->FaultCode = FaultCode.Malformed;
            entry->Flags |= ProcessFlags.StateChanged;
        }
        else
        {
            entry->State = state;
            entry->FaultCode = key->Word(1);
        }

        if (!entry->Runnable)
        {
            LeaveCpu(entry);
        }
    }

    /// <summary>Sets the run state of a loaded process (invocation: Running, Available, Waiting); written back at the next snapshot.</summary>
    public static void SetState(ProcessEntry* entry, RunState state)
    {
        if (entry->State != state)
        {
            entry->State = state;
            entry->Flags |= ProcessFlags.StateChanged;
        }

        if (!entry->Runnable)
        {
            LeaveCpu(entry);
        }
    }

    /// <summary>Clears the fault of a loaded process (its keeper's reply, a process key order): it runs again if Running.</summary>
    public static void ClearFault(ProcessEntry* entry)
    {
        if (entry->FaultCode != FaultCode.None || entry->FaultInfo != 0)
        {
            entry->FaultCode = FaultCode.None;
            entry->FaultInfo = 0;
            entry->Flags |= ProcessFlags.StateChanged;
        }
    }

    /// <summary>
    /// The IPC fast path's change of run states: <paramref name="receiver"/> (loaded, no fault, not stalled) becomes Running
    /// and the process on the CPU, <paramref name="invoker"/> (the process on the CPU) becomes <paramref name="invokerState"/>
    /// (Waiting or Available). What <see cref="SetState"/> of both and then <see cref="MakeCurrent"/> leave.
    /// </summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    public static void SwitchTo(ProcessEntry* invoker, RunState invokerState, ProcessEntry* receiver)
    {
        if (invoker->State != invokerState)
        {
            invoker->State = invokerState;
            invoker->Flags |= ProcessFlags.StateChanged;
        }

        if (receiver->State != RunState.Running)
        {
            receiver->State = RunState.Running;
            receiver->Flags |= ProcessFlags.StateChanged;
        }

        MakeCurrent(receiver);
    }

    /// <summary>Makes <paramref name="entry"/> (runnable) the process on the CPU: a directed switch (EROS: the receiver of a call runs next).</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    public static void MakeCurrent(ProcessEntry* entry)
    {
        s_current = (int)entry->Pid - 1;
        s_lastRun = s_current;
    }
}
