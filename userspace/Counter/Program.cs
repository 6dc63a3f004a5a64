using System.Runtime.InteropServices;
using CapOS.Runtime;

namespace CapOS.Counter;

/// <summary>
/// The persistent demo of the shipped system (issue 10 item 6; docs/process.md): a process that keeps a count
/// in a page of its own address space (a static in its data segment), bumps it and prints
/// <c>demo: count=N</c> once per step. It never restarts: the count lives in the store with the process, so
/// after the plug is pulled the next boot resumes it from the last committed checkpoint and the count goes
/// on from there. When the invocation keys arrive (issue 11) it becomes a client and a counter server
/// talking through start and resume keys.
/// </summary>
internal static unsafe class Program
{
    /// <summary>Spins between steps (about a second of TCG time on the development hosts); there is no sleep key yet.</summary>
    private const ulong PauseIterations = 40_000_000;

    /// <summary>The count: in the program's data page, hence in the store.</summary>
    private static ulong s_count;

    /// <summary>Written by every pause so the compiler keeps the loop.</summary>
    private static ulong s_spin;

    [UnmanagedCallersOnly(EntryPoint = "UserMain")]
    private static void Main()
    {
        byte* line = stackalloc byte[64];
        for (;;)
        {
            s_count++;
            ulong length = Text.AppendDecimal(line, Text.Append(line, 0, "demo: count="), s_count);
            Console.WriteLine(line, length);
            Pause();
        }
    }

    private static void Pause()
    {
        for (ulong i = 0; i < PauseIterations; i++)
        {
            s_spin += i;
        }
    }
}
