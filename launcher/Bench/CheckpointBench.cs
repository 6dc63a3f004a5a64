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
/// Phase 2 (docs/bench.md): the checkpoint itself. Boots a copy of bench.img (system/bench.sys) with <c>bench=checkpoint
/// exit-when-idle</c>; the kernel takes checkpoints of several dirty-object counts and prints one
/// <c>bench: checkpoint dirty=D ...</c> line each (snapshot pause, stabilization and migration figures).
/// The lines end with <c>bench: checkpoint done</c>, with QEMU ending, or when none came for
/// <see cref="QuietLimit"/> after the first.
/// </summary>
public static class CheckpointBench
{
    /// <summary>The table section.</summary>
    public const string Section = "checkpoint (bench=checkpoint on bench.img)";

    /// <summary>How long the first benchmark line may take.</summary>
    public static readonly TimeSpan FirstLineLimit = TimeSpan.FromSeconds(60);

    /// <summary>How long the kernel may stay quiet between benchmark lines.</summary>
    public static readonly TimeSpan QuietLimit = TimeSpan.FromSeconds(30);

    private static readonly Regex Watched =
        new(@"^(bench: |store: cannot boot:|mutator: invariant broken:|checkpoint: check failed:|checkpoint: failed|PANIC:|EXCEPTION ).*$",
            RegexOptions.CultureInvariant);

    /// <summary>Reads one boot's serial lines.</summary>
    public static BootReading<IReadOnlyList<CheckpointSample>> Read(IReadOnlyList<string> lines)
    {
        if (BenchBoot.FailureLine(lines) is string failure)
        {
            return BootReading<IReadOnlyList<CheckpointSample>>.Failed(failure);
        }
        var refusal = lines.Select(l => BenchLines.CheckpointRefusal().Match(l)).FirstOrDefault(m => m.Success);
        if (refusal is not null)
        {
            string why = $"the kernel says '{refusal.Value}'";
            return refusal.Groups["verdict"].Value == "failed"
                ? BootReading<IReadOnlyList<CheckpointSample>>.Failed(why)
                : BootReading<IReadOnlyList<CheckpointSample>>.NotAvailable(why);
        }
        List<CheckpointSample> samples = [.. lines.Select(CheckpointSample.Parse).Where(s => s is not null).Select(s => s!)];
        return samples.Count == 0
            ? BootReading<IReadOnlyList<CheckpointSample>>.NotAvailable(
                "the kernel printed no 'bench: checkpoint dirty=...' line (this kernel does not run bench=checkpoint)")
            : BootReading<IReadOnlyList<CheckpointSample>>.Measured(samples);
    }

    /// <summary>The phase's rows over its runs: one per field and dirty count, fields in the order the kernel
    /// prints them, dirty counts ascending. Throughputs also as a share of <paramref name="rawWriteMbps"/>.</summary>
    public static IReadOnlyList<BenchRow> Rows(IReadOnlyList<IReadOnlyList<CheckpointSample>> runs, double? rawWriteMbps)
    {
        var samples = runs.SelectMany(run => run).ToList();
        List<string> fields = [.. samples.SelectMany(s => s.Fields).Select(f => f.Key).Distinct()];
        List<long> dirtyCounts = [.. samples.Select(s => s.Dirty).Distinct().Order()];
        var rows = new List<BenchRow>();
        foreach (string field in fields)
        {
            (string label, string unit) = CheckpointSample.Describe(field);
            foreach (long dirty in dirtyCounts)
            {
                double[] values = [.. samples.Where(s => s.Dirty == dirty).SelectMany(s => s.Fields)
                    .Where(f => f.Key == field).Select(f => f.Value)];
                if (values.Length > 0)
                {
                    var row = new BenchRow(Section, string.Create(CultureInfo.InvariantCulture, $"{label}, dirty={dirty}"), unit, values);
                    rows.Add(unit == "MB/s" && rawWriteMbps is > 0 ? row with { Note = ShareOfRaw(row.Median, rawWriteMbps.Value) } : row);
                }
            }
        }
        return rows;
    }

    /// <summary>One boot on a fresh copy of <paramref name="plugImage"/>.</summary>
    public static async Task<BootReading<IReadOnlyList<CheckpointSample>>> RunOnceAsync(RepositoryLayout layout,
        BenchImages images, string plugImage, bool deterministic, CancellationToken cancel)
    {
        QemuOptions options = CapOSBoot.TestKernel(layout, BenchLines.CheckpointCommandLine, Accelerator.Tcg,
            images.CopyOf(plugImage)) with { Deterministic = deterministic, MemoryMiB = BenchLines.CheckpointMemoryMiB };
        QemuMachine machine = await QemuMachine.StartAsync(options, cancel: cancel).ConfigureAwait(false);
        await using (machine.ConfigureAwait(false))
        {
            bool ended = await CollectAsync(machine, cancel).ConfigureAwait(false);
            QemuExit exit = await machine.KillAsync().ConfigureAwait(false);
            await machine.Serial.WaitForCloseAsync(TimeSpan.FromSeconds(2)).ConfigureAwait(false);
            BootReading<IReadOnlyList<CheckpointSample>> reading = Read(machine.Serial.Lines);
            if (reading.Failure is null && ended && !(exit.Kind == QemuExitKind.GuestExit && exit.GuestValue == 0))
            {
                reading = BootReading<IReadOnlyList<CheckpointSample>>.Failed($"QEMU ended with {exit.Message}");
            }
            return reading.Failure is null ? reading : BenchBoot.WithEvidence(reading, machine);
        }
    }

    /// <summary>"62% of raw write".</summary>
    public static string ShareOfRaw(double mbps, double rawWriteMbps) =>
        string.Create(CultureInfo.InvariantCulture, $"{100 * mbps / rawWriteMbps:0}% of raw write");

    /// <summary>Waits for the benchmark's lines until they end; true if QEMU ended by itself.</summary>
    private static async Task<bool> CollectAsync(QemuMachine machine, CancellationToken cancel)
    {
        TimeSpan limit = FirstLineLimit;
        while (true)
        {
            Match line;
            try
            {
                line = await machine.Serial.WaitForLineAsync(Watched, limit, cancel).ConfigureAwait(false);
            }
            catch (SerialWaitException)
            {
                return !machine.IsRunning || machine.Serial.IsClosed;
            }
            if (!line.Value.StartsWith("bench: ", StringComparison.Ordinal) || BenchLines.CheckpointDone().IsMatch(line.Value)
                || BenchLines.CheckpointRefusal().IsMatch(line.Value))
            {
                return false;
            }
            limit = QuietLimit;
        }
    }
}
