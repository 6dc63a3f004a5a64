using System.Runtime;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using CapOS.Runtime;

namespace CapOS.FaultBench;

/// <summary>
/// The page-fault benchmark (issue 10's closing figures; docs/bench.md "Faults"): a stored process whose
/// address space holds <see cref="RegionPages"/> zero pages (a .bss region, Touch.X64.asm) touches each page
/// in four passes and prints TSC ticks per page:
/// 1. read, first touch: every access faults; the kernel object-faults the zero page in (a frame, zeroed; no
///    disk read), walks the segment tree (its nodes come in from the log once per 32 pages) and installs a
///    read-only entry;
/// 2. read again: mapped, no fault (the loop's own cost);
/// 3. write (the first <see cref="WritePages"/>): every access faults on a read-only entry of a page already in memory; the kernel walks the tree
///    (every node in memory), marks the page dirty (log space reserved) and rebuilds the entry writable;
/// 4. write again: mapped writable, no fault.
/// It prints <c>faultbench: start tsc=T</c> first (ticks since reset: the boot-to-process figure), then
/// <c>faultbench: pages=N first-touch=A read=B write-pages=W write-fault=C write=D</c> (ticks per page) and exits.
/// A fault that rebuilds entries after the kernel zapped them (EROS'99's figure) needs a way to drop the
/// mappings of a space; it comes with the node keys of issue 11.
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
        ulong start = Tsc();
        byte* line = stackalloc byte[160];
        ulong length = Text.AppendDecimal(line, Text.Append(line, 0, "faultbench: start tsc="), start);
        Console.WriteLine(line, length);

        byte* region = Region();
        ulong firstTouch = ReadPages(region, RegionPages);
        ulong read = ReadPages(region, RegionPages);
        ulong writeFault = WriteEach(region, WritePages);
        ulong write = WriteEach(region, WritePages);

        length = Text.AppendDecimal(line, Text.Append(line, 0, "faultbench: pages="), RegionPages);
        length = Field(line, length, " first-touch=", firstTouch, RegionPages);
        length = Field(line, length, " read=", read, RegionPages);
        length = Text.AppendDecimal(line, Text.Append(line, length, " write-pages="), WritePages);
        length = Field(line, length, " write-fault=", writeFault, WritePages);
        length = Field(line, length, " write=", write, WritePages);
        Console.WriteLine(line, length);
    }

    /// <summary>Appends <paramref name="name"/> and <paramref name="ticks"/> per page of <paramref name="pages"/>.</summary>
    private static ulong Field(byte* line, ulong at, string name, ulong ticks, ulong pages) =>
        Text.AppendDecimal(line, Text.Append(line, at, name), ticks / pages);

    [MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("*", "faultbench_region")]
    private static extern byte* Region();

    [MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("*", "faultbench_tsc")]
    private static extern ulong Tsc();

    [MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("*", "faultbench_read_pages")]
    private static extern ulong ReadPages(byte* region, ulong pages);

    [MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("*", "faultbench_write_pages")]
    private static extern ulong WriteEach(byte* region, ulong pages);
}
