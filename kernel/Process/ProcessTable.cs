using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using CapOS.Kernel.Diagnostics;
using CapOS.Kernel.Memory;

namespace CapOS.Kernel.Process;

/// <summary>
/// The process table: a cache of processes whose truth is their nodes (docs/process.md; EROS process cache).
/// Entries live in pages from the page allocator, sized at boot. Loading (ProcessTable.Load.cs), write-back
/// and restart (ProcessTable.WriteBack.cs) are the other halves of this class.
/// </summary>
/// <remarks>
/// I1 Key register 0 reads as void (P1): <see cref="ProcessEntry.KeyRegister"/> never yields slot 0.
/// I2 s_current is -1 or the index of a Runnable entry while that process runs.
/// I3 Pid == index + 1 for every entry in use.
/// I4 The table starts page-aligned, so every entry's context is 64-byte aligned (ProcessEntry I1).
/// I5 A Running process stays loaded: only processes that are not Running are reclaimed (I9; the restart list
///    is made from the table); the kernel sizes the table to the restart list's capacity
///    (Startup.ProcessTablePages), so every restarted process finds an entry.
/// I6 A restarted process that could not be loaded for a passing reason (no entry, no log room, an object
///    not read) stays on every restart list until it loads (ProcessTable.Deferred.cs; ProcessTableTests).
/// Tested by ProcessTableTests.
/// </remarks>
public static unsafe partial class ProcessTable
{
    private static ProcessEntry* s_entries;
    private static int s_capacity;
    private static int s_current;
    private static int s_lastRun;

    /// <summary>Entries in the table.</summary>
    public static int Capacity => s_capacity;

    /// <summary>Takes up to <paramref name="pages"/> contiguous pages from the page allocator for the table (I4).</summary>
    public static bool Initialize(int pages)
    {
        Forget();
        ulong physical = PageAllocator.AllocateRun((ulong)pages);
        if (physical == 0)
        {
            return false;
        }

        NativeMemory.Clear(Machine.PhysicalToVirtual(physical), (nuint)((ulong)pages * PageAllocator.PageSize));
        s_entries = (ProcessEntry*)Machine.PhysicalToVirtual(physical);
        s_capacity = (int)((ulong)pages * PageAllocator.PageSize / (ulong)sizeof(ProcessEntry));
        return s_capacity > 0;
    }

    /// <summary>No table: every query sees an empty one until <see cref="Initialize"/> (a new machine).</summary>
    public static void Forget()
    {
        Stall.Forget();
        IndexForget();
        s_deferred.Count = 0;
        s_entries = null;
        s_capacity = 0;
        s_current = -1;
        s_lastRun = -1;
        s_reclaimHand = 0;
    }

    /// <summary>Entry <paramref name="index"/> (0-based), in use or not.</summary>
    public static ProcessEntry* Entry(int index) => index >= 0 && index < s_capacity ? &s_entries[index] : null;

    /// <summary>The process on the CPU, or null in the kernel's idle loop.</summary>
    public static ProcessEntry* Current
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => s_current < 0 ? null : &s_entries[s_current];
    }


    /// <summary>Picks the next runnable process after the last one run, makes it current; null when none.</summary>
    public static ProcessEntry* SelectNext()
    {
        for (int n = 1; n <= s_capacity; n++)
        {
            int index = (s_lastRun + n + s_capacity) % s_capacity;
            if (s_entries[index].Runnable)
            {
                s_current = index;
                s_lastRun = index;
                return &s_entries[index];
            }
        }

        s_current = -1;
        return null;
    }

    /// <summary>
    /// Parks <paramref name="process"/> with <paramref name="faultCode"/> and <paramref name="faultInfo"/>: it
    /// does not run again until the fault is cleared, and the next snapshot records the fault in its root.
    /// </summary>
    public static void Park(ProcessEntry* process, uint faultCode, ulong faultInfo)
    {
        Panic.Assert(faultCode != FaultCode.None, "ProcessTable.Park: no fault");
        process->FaultCode = faultCode;
        process->FaultInfo = faultInfo;
        process->Flags |= ProcessFlags.StateChanged;
        LeaveCpu(process);
    }

    /// <summary>The process gave up the CPU for good or for now: it is no longer current.</summary>
    private static void LeaveCpu(ProcessEntry* process)
    {
        if (s_current >= 0 && &s_entries[s_current] == process)
        {
            s_current = -1;
        }
    }

    /// <summary>A free entry, cleared, with its Pid set (I3), reclaiming one when the table is full (I9); null when none can be had.</summary>
    private static ProcessEntry* Allocate()
    {
        ProcessEntry* entry = FirstFree();
        if (entry == null && TryReclaim())
        {
            entry = FirstFree();
        }

        return entry;
    }

    private static ProcessEntry* FirstFree()
    {
        for (int i = 0; i < s_capacity; i++)
        {
            ProcessEntry* entry = &s_entries[i];
            if (!entry->InUse)
            {
                NativeMemory.Clear(entry, (nuint)sizeof(ProcessEntry));
                entry->Pid = (uint)(i + 1);
                return entry;
            }
        }

        return null;
    }
}
