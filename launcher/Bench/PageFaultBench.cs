using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.Linq;
using System.Text.RegularExpressions;
using System.Threading;
using System.Threading.Tasks;
using CapOS.Harness;

namespace CapOS.Launcher.Bench;

/// <summary>
/// <c>bench faults</c> (docs/bench.md "Faults"; issue 10's closing figures): boot a fresh copy of
/// faultbench.img (system/faultbench.sys), whose one stored process, FaultBench (userspace/FaultBench),
/// resumes from checkpoint #1's restart list, touches 2048 zero pages of its own space in four passes and
/// prints TSC ticks per page. Per run: the host time from starting QEMU to the process's first line, the guest
/// TSC at that line (ticks since reset), and each pass's median and mean access, converted to microseconds at
/// the kernel's calibrated TSC rate. The boot is killed after <c>faultbench: done</c>.
/// </summary>
public static class PageFaultBench
{
    /// <summary>The table section.</summary>
    public const string Section = "faults (faultbench.img: one stored process, zero pages of its own space)";

    /// <summary>The image, in artifacts/images/.</summary>
    public const string ImageName = "faultbench.img";

    /// <summary>How long a boot may take to print the figures.</summary>
    public static readonly TimeSpan Limit = TimeSpan.FromSeconds(60);

    private static readonly Regex Started = BenchBoot.Settled(@"user\[\d+\]: faultbench: start ");
    private static readonly Regex Finished = BenchBoot.Settled(@"user\[\d+\]: faultbench: done");

    /// <summary>The passes FaultBench prints, in order.</summary>
    public static readonly string[] Passes = ["first-touch", "read", "write-fault", "write"];

    /// <summary>Reads a boot's lines; <paramref name="hostToStart"/> is the host time to the start line.</summary>
    public static BootReading<FaultRun> Read(IReadOnlyList<string> lines, TimeSpan hostToStart)
    {
        if ((BenchBoot.FailureLine(lines) ?? lines.FirstOrDefault(l => BenchLines.ProcessFault().IsMatch(l))) is string failure)
        {
            return BootReading<FaultRun>.Failed(failure);
        }
        Match? timer = BenchLines.First(lines, BenchLines.TimerRate());
        Match? store = BenchLines.First(lines, BenchLines.StoreRecoveredIn());
        Match? start = BenchLines.First(lines, BenchLines.FaultBenchStart());
        if (timer is null || store is null || start is null)
        {
            return BootReading<FaultRun>.Failed(timer is null ? "no 'timer: ... tsc-mhz=' line"
                : store is null ? "no 'store: recovered in' line" : "no 'faultbench: start' line");
        }
        var passes = new Dictionary<string, FaultPass>(StringComparer.Ordinal);
        foreach (Match pass in lines.Select(l => BenchLines.FaultBenchPass().Match(l)).Where(m => m.Success))
        {
            IReadOnlyDictionary<string, double> fields = Fields(pass.Groups["fields"].Value);
            if (fields.TryGetValue("mean", out double mean) && fields.TryGetValue("median", out double median)
                && fields.TryGetValue("min", out double min))
            {
                passes[pass.Groups["pass"].Value] = new FaultPass((long)BenchLines.Number(pass, "pages"), mean, median, min);
            }
        }
        if (Passes.FirstOrDefault(p => !passes.ContainsKey(p)) is string missing)
        {
            return BootReading<FaultRun>.Failed($"no 'faultbench: {missing} pages=N mean= median= min=' line");
        }
        double mhz = BenchLines.Number(timer, "mhz");
        if (mhz <= 0)
        {
            return BootReading<FaultRun>.Failed("the kernel's TSC rate is 0 MHz");
        }
        return BootReading<FaultRun>.Measured(new FaultRun(passes["first-touch"], passes["read"], passes["write-fault"], passes["write"],
            mhz, BenchLines.Number(start, "tsc"), BenchLines.Number(store, "reset"), hostToStart.TotalMilliseconds));
    }

    /// <summary>The phase's rows over its runs: the passes' medians in microseconds (the mean in the note), boot
    /// figures in milliseconds.</summary>
    public static IReadOnlyList<BenchRow> Rows(IReadOnlyList<FaultRun> runs) =>
    [
        Row(runs, "read fault, first touch of a zero page", r => r.FirstTouch, "object fault + walk + entry"),
        Row(runs, "write fault, cached page mapped read-only", r => r.WriteFault, "walk + dirty + entry rebuilt"),
        Row(runs, "mapped read, no fault", r => r.Read, "the timing's own cost"),
        Row(runs, "mapped write, no fault", r => r.Write, null),
        new BenchRow(Section, "QEMU start to process running (host)", "ms", [.. runs.Select(r => r.HostMs)])
        {
            Note = "to its first line",
        },
        new BenchRow(Section, "reset to process running (guest)", "ms", [.. runs.Select(r => r.Microseconds(r.StartTicks) / 1000)]),
        new BenchRow(Section, "reset to store recovered (guest)", "ms", [.. runs.Select(r => r.RecoveredAfterResetUs / 1000)]),
    ];

    /// <summary>One run: boot a copy of faultbench.img, time it to the start line, read the figures, kill it.</summary>
    public static async Task<BootReading<FaultRun>> RunOnceAsync(RepositoryLayout layout, BenchImages images, string image,
        bool deterministic, CancellationToken cancel)
    {
        QemuOptions options = CapOSBoot.Kernel(layout, null, Accelerator.Tcg, images.CopyOf(image)) with { Deterministic = deterministic };
        var clock = Stopwatch.StartNew();
        QemuMachine machine = await QemuMachine.StartAsync(options, cancel: cancel).ConfigureAwait(false);
        await using (machine.ConfigureAwait(false))
        {
            TimeSpan toStart = Limit;
            try
            {
                await machine.Serial.WaitForLineAsync(Started, Limit, cancel).ConfigureAwait(false);
                toStart = clock.Elapsed;
                await machine.Serial.WaitForLineAsync(Finished, Limit, cancel).ConfigureAwait(false);
            }
            catch (SerialWaitException)
            {
                // Read below says what is missing.
            }
            await machine.KillAsync().ConfigureAwait(false);
            BootReading<FaultRun> reading = Read(machine.Serial.Lines, toStart);
            return reading.Failure is null ? reading : BenchBoot.WithEvidence(reading, machine);
        }
    }

    /// <summary>The <c>name=number</c> fields of a line (non-numeric ones ignored).</summary>
    public static IReadOnlyDictionary<string, double> Fields(string text)
    {
        var fields = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (string field in text.Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            int equals = field.IndexOf('=', StringComparison.Ordinal);
            if (equals > 0 && double.TryParse(field[(equals + 1)..], NumberStyles.Float, CultureInfo.InvariantCulture, out double value))
            {
                fields[field[..equals]] = value;
            }
        }
        return fields;
    }

    /// <summary>A pass's row: its median access in microseconds; the note gives pages, the mean (every access,
    /// the disk reads included) and what the fault does.</summary>
    private static BenchRow Row(IReadOnlyList<FaultRun> runs, string measure, Func<FaultRun, FaultPass> pass, string? what)
    {
        double mean = BenchRow.MedianOf([.. runs.Select(r => r.Microseconds(pass(r).Mean))]);
        string pages = string.Join(",", runs.Select(r => pass(r).Pages).Distinct());
        string note = string.Create(CultureInfo.InvariantCulture, $"{pages} pages, mean {BenchTable.Format(mean)} us");
        return new BenchRow(Section, measure + ", median", "us", [.. runs.Select(r => r.Microseconds(pass(r).Median))])
        {
            Note = what is null ? note : $"{note}; {what}",
        };
    }
}
