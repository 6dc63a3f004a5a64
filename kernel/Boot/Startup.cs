using CapOS.Kernel.Diagnostics;
using CapOS.Kernel.Memory;
using CapOS.Kernel.Process;

namespace CapOS.Kernel.Boot;

/// <summary>
/// The portable kernel entry. The machine half brings the processor up (console and
/// banner, descriptor tables, timer), turns the loader's data into a <see cref="BootInfo"/>
/// and calls <see cref="Run"/>, which prints the boot lines of the serial contract, sets up the
/// page allocator, recovers the store (<see cref="StoreBoot"/>: boot is recovery; no disk, no
/// boot), sets up the page-table cache and the process table, resumes every process of the recovered
/// checkpoint's restart list and schedules. The kernel runs only what the store holds: boot modules are
/// ignored (docs/process.md). docs/boot.md "Boot path" and "Serial contract".
/// </summary>
public static unsafe partial class Startup
{
    /// <summary>Timer ticks at which a "timer: tick=" line is printed.</summary>
    public const ulong TickReportInterval = 5;

    /// <summary>
    /// Pages of the process table: room for every process a checkpoint's restart list can name
    /// (CheckpointHeader.RestartCapacity, 248 entries of 1152 bytes), so that no restarted process is refused
    /// for want of an entry and then left off the next restart list (ProcessTable I5).
    /// </summary>
    public const int ProcessTablePages = (DiskFormat.CheckpointHeader.RestartCapacity * 1152 + 4095) / 4096;

    /// <summary>Hardware page tables built from node trees (a cache, docs/process.md P8): 2 MiB.</summary>
    public const uint MappingTables = 512;

    /// <summary>Depend records (which node slot built which entries).</summary>
    public const uint DependRecords = 8192;

    /// <summary>Writable user mappings the snapshot write-protects.</summary>
    public const uint WritableRecords = 2048;

    public static void Run(BootInfo* boot)
    {
        WriteBootLine(boot);
        boot->Validate();
        if (!PageAllocator.Initialize(boot))
        {
            Panic.Stop("no room for the page allocator's bitmap");
        }

        Log.Write("mem: usable=");
        Log.WriteDecimal(boot->UsableBytes() / 1024);
        Log.Write(" KiB free-pages=");
        Log.WriteDecimal(PageAllocator.FreePages);
        Log.WriteLine();
        StoreBoot.Run(boot);
        CheckpointBoot.Run(boot);

        Log.Write("timer: hz=");
        Log.WriteDecimal((ulong)Machine.TimerHz());
        Log.Write(" tsc-mhz=");
        Log.WriteDecimal(Machine.CycleCounterHz() / 1000000);
        Log.WriteLine();
        ReportTicks(3);
        RunSelfTests(boot);

        Panic.Assert(AddressSpaces.InitializeFromPageAllocator(MappingTables, DependRecords, WritableRecords), "no memory for the page tables");
        Panic.Assert(ProcessTable.Initialize(ProcessTablePages), "no memory for the process table");
        ProcessTable.Restart(Checkpoint.Generation.Current); // boot is recovery: every process resumes (docs/process.md)
        Scheduler.Start(boot->HasOption("exit-when-idle"));
    }

    /// <summary>
    /// The self-tests the command line asks for: implemented only by the test kernel (kernel/Testing), so in the
    /// production kernel the call is not compiled (STYLE.md "Tests": no test-only switches in production code).
    /// </summary>
    static partial void RunSelfTests(BootInfo* boot);

    /// <summary>Waits for <paramref name="count"/> report intervals of the timer, printing the tick count at each.</summary>
    public static void ReportTicks(int count)
    {
        for (int i = 0; i < count; i++)
        {
            ulong target = ((Machine.TimerTicks() / TickReportInterval) + 1) * TickReportInterval;
            while (Machine.TimerTicks() < target)
            {
                Machine.WaitForInterrupt();
            }

            Log.Write("timer: tick=");
            Log.WriteDecimal(Machine.TimerTicks());
            Log.WriteLine();
        }
    }

    private static void WriteBootLine(BootInfo* boot)
    {
        Log.Write("boot: loader=");
        Log.Write(boot->Loader == BootLoader.Multiboot1 ? "multiboot1" : boot->Loader == BootLoader.Multiboot2 ? "multiboot2" : "unknown");
        Log.Write(" cmdline=\"");
        for (int i = 0; i < boot->CommandLineLength; i++)
        {
            byte c = boot->CommandLineByte(i);
            Machine.ConsoleWrite(c < 0x80 ? c : (byte)'?');
        }

        Log.Write("\" modules=");
        Log.WriteDecimal((ulong)boot->ModuleCount);
        Log.WriteLine();
    }
}
