using System.Runtime.InteropServices;
using CapOS.Kernel.Diagnostics;
using CapOS.Kernel.Invocation;
using CapOS.Kernel.Memory;

namespace CapOS.Kernel.Process;

/// <summary>
/// The process table: a fixed array of <see cref="ProcessEntry"/> records in pages from the
/// page allocator, and a round-robin choice of the next runnable one.
/// </summary>
/// <remarks>
/// Invariants: (I1) key register 0 of every process holds the void key;
/// (I2) s_current is -1 or the index of a Runnable entry while that process runs;
/// (I3) Pid == index + 1 for every non-free entry.
/// </remarks>
public static unsafe class ProcessTable
{
    private static ProcessEntry* s_entries;
    private static int s_capacity;
    private static int s_current;
    private static int s_lastRun;

    public static int Capacity => s_capacity;

    /// <summary>Takes <paramref name="pages"/> pages from the page allocator for the table.</summary>
    public static bool Initialize(int pages)
    {
        s_entries = null;
        s_capacity = 0;
        s_current = -1;
        s_lastRun = -1;
        ulong first = 0;
        for (int i = 0; i < pages; i++)
        {
            // Contiguous in the direct map only if the frames are; take one page when that fails.
            ulong page = PageAllocator.AllocateZeroedPage();
            if (page == 0)
            {
                return false;
            }

            if (i == 0)
            {
                first = page;
            }
            else if (page != first + ((ulong)i * PageAllocator.PageSize))
            {
                PageAllocator.FreePage(page);
                pages = i;
                break;
            }
        }

        s_entries = (ProcessEntry*)Machine.PhysicalToVirtual(first);
        s_capacity = (int)((ulong)pages * PageAllocator.PageSize / (ulong)sizeof(ProcessEntry));
        return s_capacity > 0;
    }

    /// <summary>Creates a runnable process with a void key everywhere but the registers the caller fills.</summary>
    public static ProcessEntry* Create(ulong addressSpace)
    {
        for (int i = 0; i < s_capacity; i++)
        {
            ProcessEntry* process = &s_entries[i];
            if (process->State == ProcessState.Free)
            {
                NativeMemory.Clear(process, (nuint)sizeof(ProcessEntry));
                process->Pid = (uint)(i + 1);
                process->State = ProcessState.Runnable;
                process->AddressSpace = addressSpace;
                return process;
            }
        }

        return null;
    }

    /// <summary>The process on the CPU, or null in the kernel's idle loop.</summary>
    public static ProcessEntry* Current => s_current < 0 ? null : &s_entries[s_current];

    /// <summary>Picks the next runnable process after the last one run, makes it current; null when none.</summary>
    public static ProcessEntry* SelectNext()
    {
        for (int n = 1; n <= s_capacity; n++)
        {
            int index = (s_lastRun + n + s_capacity) % s_capacity;
            if (s_entries[index].State == ProcessState.Runnable)
            {
                Panic.Assert(s_entries[index].KeyRegister(0) == KeyRegisterKind.Void, "ProcessTable: key register 0 not void (I1)");
                s_current = index;
                s_lastRun = index;
                return &s_entries[index];
            }
        }

        s_current = -1;
        return null;
    }

    /// <summary>Marks <paramref name="process"/> ended with <paramref name="state"/> and frees its address space; it never runs again.</summary>
    public static void End(ProcessEntry* process, ProcessState state)
    {
        Panic.Assert(state == ProcessState.Faulted || state == ProcessState.Exited, "ProcessTable.End: not an end state");
        process->State = state;
        if (s_current >= 0 && &s_entries[s_current] == process)
        {
            s_current = -1;
        }

        UserMode.Release(process);
    }
}
