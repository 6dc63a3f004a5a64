using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text.RegularExpressions;
using System.Threading;
using System.Threading.Tasks;
using CapOS.Harness;

namespace CapOS.Launcher.Bench;

/// <summary>
/// <c>bench ipc</c> (docs/bench.md "IPC"; issue 11 item 5): boot a fresh copy of ipcbench.img
/// (system/ipcbench.sys), whose stored processes IpcBench and EchoServer (userspace/) resume from checkpoint
/// #1's restart list; IpcBench times the null invocation, round trips to the echo server, the two halves of a
/// round trip and faults that rebuild an entry from cached objects, and prints TSC ticks. The boot is killed
/// after <c>ipcbench: done</c>. Figures are per operation: instructions under <c>--deterministic</c>, else
/// microseconds.
/// </summary>
public static class IpcBench
{
    /// <summary>The table section.</summary>
    public const string Section = "ipc (ipcbench.img: IpcBench and the echo server, stored processes)";

    /// <summary>The image, in artifacts/images/.</summary>
    public const string ImageName = "ipcbench.img";

    /// <summary>Bytes each way in <c>round-trip-string</c> (IpcBench's StringBytes).</summary>
    public const int StringBytes = 64;

    /// <summary>How long a boot may take to print the figures (about 10 s under TCG or icount).</summary>
    public static readonly TimeSpan Limit = TimeSpan.FromSeconds(120);

    /// <summary>The measures IpcBench prints, in order.</summary>
    public static readonly string[] Measures =
        ["null-invocation", "round-trip", "round-trip-string", "call-half", "return-half", "fault-rebuild", "mapped-read"];

    private static readonly Regex Finished = BenchBoot.Settled(@"user\[\d+\]: ipcbench: (done|failed: )");

    /// <summary>Reads a boot's lines: a failure line, a missing or garbled measure, or no TSC rate fail the boot.</summary>
    public static BootReading<IpcRun> Read(IReadOnlyList<string> lines)
    {
        string? failure = BenchBoot.FailureLine(lines)
            ?? lines.FirstOrDefault(l => BenchLines.ProcessFault().IsMatch(l) || BenchLines.IpcBenchFailed().IsMatch(l));
        if (failure is not null)
        {
            return BootReading<IpcRun>.Failed(failure);
        }
        Match? timer = BenchLines.First(lines, BenchLines.TimerRate());
        if (timer is null || BenchLines.First(lines, BenchLines.IpcBenchStart()) is null)
        {
            return BootReading<IpcRun>.Failed(timer is null ? "no 'timer: ... tsc-mhz=' line" : "no 'ipcbench: start' line");
        }
        var measures = new Dictionary<string, IpcMeasure>(StringComparer.Ordinal);
        foreach (Match line in lines.Select(l => BenchLines.IpcBenchMeasure().Match(l)).Where(m => m.Success))
        {
            IReadOnlyDictionary<string, double> f = PageFaultBench.Fields(line.Groups["fields"].Value);
            if (f.TryGetValue("n", out double n) && f.TryGetValue("per", out double per) && per >= 1 && n >= 1
                && f.TryGetValue("median", out double median) && f.TryGetValue("min", out double min) && f.TryGetValue("mean", out double mean))
            {
                measures[line.Groups["measure"].Value] = new IpcMeasure((long)n, (long)per, median, min, mean);
            }
        }
        if (Measures.FirstOrDefault(m => !measures.ContainsKey(m)) is string missing)
        {
            return BootReading<IpcRun>.Failed($"no 'ipcbench: {missing} n= per= median= min= mean=' line");
        }
        double mhz = BenchLines.Number(timer, "mhz");
        return mhz > 0 ? BootReading<IpcRun>.Measured(new IpcRun(measures, mhz))
            : BootReading<IpcRun>.Failed("the kernel's TSC rate is 0 MHz");
    }

    /// <summary>The phase's rows: per operation, each run's median (least in the note), in instructions under
    /// <c>--deterministic</c>, else microseconds; the targets of issue 11 beside them.</summary>
    public static IReadOnlyList<BenchRow> Rows(IReadOnlyList<IpcRun> runs, bool deterministic)
    {
        string unit = deterministic ? "instr" : "us";
        double[] Medians(string measure) => [.. runs.Select(r => r.InUnit(r[measure].MedianPerOperation, deterministic))];
        string Least(string measure) => "least " + BenchTable.Format(
            runs.Min(r => r.InUnit(r[measure].MinPerOperation, deterministic)));
        string Size(string measure) => string.Create(CultureInfo.InvariantCulture,
            $"{runs[0][measure].Samples} x {runs[0][measure].Per}");
        BenchRow Row(string measure, string what, string note) =>
            new(Section, what, unit, Medians(measure)) { Note = $"{Size(measure)}, {Least(measure)}; {note}" };
        double[] switches = [.. runs.Select(r => r.InUnit(
            (r["call-half"].MedianPerOperation + r["return-half"].MedianPerOperation) / 2 - r["null-invocation"].MedianPerOperation,
            deterministic))];
        return
        [
            Row("null-invocation", "null invocation: KT on a number key", "target: at most Linux's null system call (issue 13)"),
            Row("round-trip", "IPC round trip: CALL + RETURN, no keys, no string",
                "target: under 1,000 instructions (seL4 ~750 cycles call + reply)"),
            Row("round-trip-string", $"IPC round trip, {StringBytes}-byte string each way", "strings copied through both node trees"),
            Row("call-half", "CALL half: client invokes to server running", "one way, stamped by the server"),
            Row("return-half", "RETURN half: server returns to client running", "one way, stamped by the server"),
            new BenchRow(Section, "directed context switch (derived)", unit, switches)
            {
                Note = "(CALL half + RETURN half) / 2 - null invocation",
            },
            Row("fault-rebuild", "page fault rebuilding a leaf entry from cached objects",
                "2048 pages after zapping their leaf entries; EROS'99 3.67 us; target 0.2 x Linux lat_pagefault"),
            Row("mapped-read", "mapped read, no fault", "the timing's own cost"),
        ];
    }

    /// <summary>One run: boot a copy of ipcbench.img, wait for its last line, kill it, read the figures.</summary>
    public static async Task<BootReading<IpcRun>> RunOnceAsync(RepositoryLayout layout, BenchImages images, string image,
        bool deterministic, CancellationToken cancel)
    {
        QemuOptions options = CapOSBoot.Kernel(layout, null, Accelerator.Tcg, images.CopyOf(image)) with { Deterministic = deterministic };
        QemuMachine machine = await QemuMachine.StartAsync(options, cancel: cancel).ConfigureAwait(false);
        await using (machine.ConfigureAwait(false))
        {
            try
            {
                await machine.Serial.WaitForLineAsync(Finished, Limit, cancel).ConfigureAwait(false);
            }
            catch (SerialWaitException)
            {
                // Read below says what is missing.
            }
            await machine.KillAsync().ConfigureAwait(false);
            BootReading<IpcRun> reading = Read(machine.Serial.Lines);
            return reading.Failure is null ? reading : BenchBoot.WithEvidence(reading, machine);
        }
    }
}
