using System.Runtime;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using CapOS.Runtime;

namespace CapOS.FaultBench;

/// <summary>
/// The page-fault benchmark (issue 10's closing figures; docs/bench.md "Faults"): a stored process whose
/// address space holds <see cref="RegionPages"/> zero pages (a .bss region, Touch.X64.asm) touches each page
/// in four passes, timing every access with the TSC:
/// 1. read, first touch: every access faults; the kernel object-faults the zero page in (a frame, zeroed) and
///    the segment nodes of the path once per 32 pages (disk reads), walks the tree and installs a read-only entry;
/// 2. read again: mapped, no fault (the TSC pair's and the access's own cost);
/// 3. write (the first <see cref="WritePages"/>): every access faults on a read-only entry of a page already in
///    memory; the kernel walks the tree (every node in memory), marks the page dirty (log space reserved) and
///    rebuilds the entry writable;
/// 4. write again: mapped writable, no fault.
/// It prints <c>faultbench: start tsc=T</c> first (TSC ticks since reset: the boot-to-process figure), then
/// per pass <c>faultbench: P pages=N mean=A median=M min=L</c> in ticks per page (P = first-touch, read,
/// write-fault, write), then <c>faultbench: done</c>, and exits. The median leaves out the few accesses that paid
/// a disk read; the mean includes them. A fault that rebuilds entries after the kernel zapped them
/// (EROS'99's figure) needs a way to drop a space's mappings: it comes with the node keys of issue 11.
/// </summary>
internal static unsafe class Program
{
    /// <summary>Pages in the region: Touch.X64.asm's REGION_PAGES (EROS'99 used 2048).</summary>
    public const ulong RegionPages = 2048;

    /// <summary>Pages the write passes touch (the first ones): below the kernel's writable-mapping list
    /// (2048 records, Startup.WritableRecords), which write-protects everything on it when full and would make
    /// the second write pass fault again.</summary>
    public const ulong WritePages = 1024;

    [UnmanagedCallersOnly(EntryPoint = "UserMain")]
    private static void Main()
    {
        ulong start = Tsc.Read();
        byte* line = stackalloc byte[Console.MaxLine];
        ulong length = Text.AppendDecimal(line, Text.Append(line, 0, "faultbench: start tsc="), start);
        Console.WriteLine(line, length);

        ulong* ticks = Ticks();
        for (ulong i = 0; i < RegionPages; i++)
        {
            ticks[i] = 0; // its own pages fault now, not during a measured pass
        }

        byte* region = Region();
        Pass(line, "first-touch", ReadPages(region, RegionPages, ticks), ticks, RegionPages);
        Pass(line, "read", ReadPages(region, RegionPages, ticks), ticks, RegionPages);
        Pass(line, "write-fault", WriteEach(region, WritePages, ticks), ticks, WritePages);
        Pass(line, "write", WriteEach(region, WritePages, ticks), ticks, WritePages);
        Console.WriteLine("faultbench: done");
    }

    /// <summary>Prints <c>faultbench: &lt;pass&gt; pages=N mean=A median=M min=L</c> (ticks per page).</summary>
    private static void Pass(byte* line, string name, ulong total, ulong* ticks, ulong pages)
    {
        Samples.Sort(ticks, pages);
        ulong at = Text.Append(line, Text.Append(line, 0, "faultbench: "), name);
        at = Text.AppendDecimal(line, Text.Append(line, at, " pages="), pages);
        at = Text.AppendDecimal(line, Text.Append(line, at, " mean="), total / pages);
        at = Text.AppendDecimal(line, Text.Append(line, at, " median="), ticks[pages / 2]);
        at = Text.AppendDecimal(line, Text.Append(line, at, " min="), ticks[0]);
        Console.WriteLine(line, at);
    }

    [MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("*", "faultbench_region")]
    private static extern byte* Region();

    [MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("*", "faultbench_ticks")]
    private static extern ulong* Ticks();

    [MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("*", "faultbench_read_pages")]
    private static extern ulong ReadPages(byte* region, ulong pages, ulong* ticks);

    [MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("*", "faultbench_write_pages")]
    private static extern ulong WriteEach(byte* region, ulong pages, ulong* ticks);
}
