using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using CapOS.Harness;

namespace CapOS.Launcher.Bench;

/// <summary>The disk self-test's figures from one boot (docs/io.md, "The disk self-test").</summary>
/// <param name="WriteMbps">512 page writes, 32 in flight, then a flush: MB/s of guest time.</param>
/// <param name="FlushUs">The flush after them, or null if the line does not say.</param>
/// <param name="ReadAverageUs">Mean latency of a 4 KiB read with one in flight, or null if not printed.</param>
/// <param name="ReadMinimumUs">The least such latency, or null if not printed.</param>
public sealed record RawDiskRun(double WriteMbps, double? FlushUs, double? ReadAverageUs, double? ReadMinimumUs);

/// <summary>
/// Phase 1 (docs/bench.md): the raw disk. Boots the kernel with <c>test=disk exit-when-idle</c> on a fresh
/// scratch disk and reads the self-test's throughput and latency lines: the yardstick the checkpoint's
/// stabilization throughput is held against.
/// </summary>
public static class RawDiskBench
{
    /// <summary>The table section.</summary>
    public const string Section = "raw disk (test=disk, 512 x 4 KiB writes, 32 in flight)";

    /// <summary>How long the boot may take to end by itself.</summary>
    public static readonly TimeSpan BootLimit = TimeSpan.FromSeconds(60);

    /// <summary>Reads one boot's serial lines.</summary>
    public static BootReading<RawDiskRun> Read(IReadOnlyList<string> lines)
    {
        if (BenchBoot.FailureLine(lines) is string failure)
        {
            return BootReading<RawDiskRun>.Failed(failure);
        }
        var verdict = lines.Select(l => BenchLines.DiskVerdict().Match(l)).FirstOrDefault(m => m.Success);
        if (verdict is not null && verdict.Groups["verdict"].Value != "ok")
        {
            return BootReading<RawDiskRun>.Failed($"disk: selftest {verdict.Groups["verdict"].Value}: {verdict.Groups["why"].Value}");
        }
        var throughput = lines.Select(l => BenchLines.DiskThroughput().Match(l)).FirstOrDefault(m => m.Success);
        if (throughput is null)
        {
            return BootReading<RawDiskRun>.Failed("no 'disk: write-throughput=' line");
        }
        var latency = lines.Select(l => BenchLines.DiskReadLatency().Match(l)).FirstOrDefault(m => m.Success);
        double? flush = throughput.Groups["flush"].Success ? BenchLines.Number(throughput, "flush") : null;
        return BootReading<RawDiskRun>.Measured(new RawDiskRun(BenchLines.Number(throughput, "mbps"), flush,
            latency is null ? null : BenchLines.Number(latency, "avg"),
            latency is null ? null : BenchLines.Number(latency, "min")));
    }

    /// <summary>The phase's rows over its runs (at least one).</summary>
    public static IReadOnlyList<BenchRow> Rows(IReadOnlyList<RawDiskRun> runs)
    {
        var rows = new List<BenchRow> { new(Section, "write throughput", "MB/s", [.. runs.Select(r => r.WriteMbps)]) };
        AddIfAny(rows, "flush after the writes", runs.Select(r => r.FlushUs));
        AddIfAny(rows, "4 KiB read latency, mean", runs.Select(r => r.ReadAverageUs));
        AddIfAny(rows, "4 KiB read latency, least", runs.Select(r => r.ReadMinimumUs));
        return rows;
    }

    /// <summary>One boot on a fresh scratch disk.</summary>
    public static async Task<BootReading<RawDiskRun>> RunOnceAsync(RepositoryLayout layout, BenchImages images,
        bool deterministic, CancellationToken cancel)
    {
        QemuOptions options = CapOSBoot.TestKernel(layout, BenchLines.RawDiskCommandLine, Accelerator.Tcg,
            images.RawDisk(layout.PristineImage(BenchImages.RawDiskVolumeName))) with { Deterministic = deterministic };
        return await BenchBoot.RunToExitAsync(options, BootLimit, Read, cancel).ConfigureAwait(false);
    }

    private static void AddIfAny(List<BenchRow> rows, string measure, IEnumerable<double?> values)
    {
        double[] samples = [.. values.Where(v => v is not null).Select(v => v!.Value)];
        if (samples.Length > 0)
        {
            rows.Add(new BenchRow(Section, measure, "us", samples));
        }
    }
}
