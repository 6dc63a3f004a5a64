using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text.RegularExpressions;

namespace CapOS.Launcher.Bench;

/// <summary>
/// The serial lines the benchmark reads (docs/bench.md, "Serial contract"): the disk self-test's figures
/// (docs/io.md), the store's recovery time (docs/recovery.md), the kernel's <c>bench: checkpoint</c> lines,
/// FaultBench's <c>faultbench:</c> lines (userspace/FaultBench) and IpcBench's <c>ipcbench:</c> lines (userspace/IpcBench).
/// Lines are matched by their start and fields by name, so the kernel may add fields.
/// </summary>
public static partial class BenchLines
{
    /// <summary>The kernel command line of the raw disk boot.</summary>
    public const string RawDiskCommandLine = "test=disk exit-when-idle";

    /// <summary>The kernel command line of the checkpoint benchmark boot.</summary>
    public const string CheckpointCommandLine = "bench=checkpoint exit-when-idle cache-pages=67584 cache-nodes=4096";

    /// <summary>Guest memory of the checkpoint phase: 65,536 dirty pages (256 MiB) in the object cache, the writer's workspace for a 69,999-page half, the directory (docs/bench.md).</summary>
    public const int CheckpointMemoryMiB = 1536;

    /// <summary>The recovery boots' checkpoint interval: short, so a checkpoint commits soon after boot.</summary>
    public const int RecoveryIntervalMs = 50;

    /// <summary><c>disk: write-throughput=M MB/s ... flush=F us</c>; groups mbps, flush (optional).</summary>
    [GeneratedRegex(@"^disk: write-throughput=(?<mbps>\d+(\.\d+)?) MB/s\b(.*\bflush=(?<flush>\d+(\.\d+)?) us)?")]
    public static partial Regex DiskThroughput();

    /// <summary><c>disk: read-latency avg=A us min=M us ...</c>; groups avg, min.</summary>
    [GeneratedRegex(@"^disk: read-latency avg=(?<avg>\d+(\.\d+)?) us min=(?<min>\d+(\.\d+)?) us")]
    public static partial Regex DiskReadLatency();

    /// <summary>The self-test's verdict: <c>disk: selftest ok ...</c>, <c>... FAILED: why</c>, <c>... skipped: why</c>.</summary>
    [GeneratedRegex(@"^disk: selftest (?<verdict>ok|FAILED|skipped)(:? (?<why>.*))?$")]
    public static partial Regex DiskVerdict();

    /// <summary><c>store: recovered in U us, R us after reset</c>; groups us, reset.</summary>
    [GeneratedRegex(@"^store: recovered in (?<us>\d+) us, (?<reset>\d+) us after reset")]
    public static partial Regex StoreRecoveredIn();

    /// <summary><c>bench: checkpoint name=value ...</c>; group fields (the rest of the line).</summary>
    [GeneratedRegex(@"^bench: checkpoint (?<fields>.*)$")]
    public static partial Regex CheckpointSample();

    /// <summary>The benchmark's own refusal: <c>bench: checkpoint failed|skipped|unavailable: why</c>.</summary>
    [GeneratedRegex(@"^bench: checkpoint (?<verdict>failed|skipped|unavailable):? (?<why>.*)$")]
    public static partial Regex CheckpointRefusal();

    /// <summary>The end of the benchmark's lines: <c>bench: checkpoint done</c> or <c>bench: done</c>.</summary>
    [GeneratedRegex(@"^bench: (checkpoint )?done\b")]
    public static partial Regex CheckpointDone();

    /// <summary><c>timer: hz=H tsc-mhz=M</c>; group mhz (the TSC rate the kernel calibrated).</summary>
    [GeneratedRegex(@"^timer: hz=\d+ tsc-mhz=(?<mhz>\d+)")]
    public static partial Regex TimerRate();

    /// <summary>FaultBench's first line, <c>user[P]: faultbench: start tsc=T</c> (T: TSC ticks since reset); group tsc.</summary>
    [GeneratedRegex(@"^user\[\d+\]: faultbench: start tsc=(?<tsc>\d+)")]
    public static partial Regex FaultBenchStart();

    /// <summary>A FaultBench pass, <c>user[P]: faultbench: &lt;pass&gt; pages=N mean=A median=M min=L</c> (TSC ticks
    /// per page); groups pass, pages, fields (the rest).</summary>
    [GeneratedRegex(@"^user\[\d+\]: faultbench: (?<pass>[a-z-]+) pages=(?<pages>\d+) (?<fields>.*)$")]
    public static partial Regex FaultBenchPass();

    /// <summary>A process parked by a fault the kernel reported (<c>fault: process P ...</c>): in the fault benchmark, a failure.</summary>
    [GeneratedRegex(@"^fault: process ")]
    public static partial Regex ProcessFault();

    /// <summary>IpcBench's first line, <c>user[P]: ipcbench: start tsc=T</c>; group tsc.</summary>
    [GeneratedRegex(@"^user\[\d+\]: ipcbench: start tsc=(?<tsc>\d+)")]
    public static partial Regex IpcBenchStart();

    /// <summary>An IpcBench measure, <c>user[P]: ipcbench: &lt;measure&gt; n=N per=P median=A min=B mean=C</c> (TSC ticks per
    /// sample of P operations); groups measure, fields (the rest).</summary>
    [GeneratedRegex(@"^user\[\d+\]: ipcbench: (?<measure>[a-z-]+) (?<fields>n=.*)$")]
    public static partial Regex IpcBenchMeasure();

    /// <summary>IpcBench's refusal, <c>user[P]: ipcbench: failed: why</c>: a failure of the boot.</summary>
    [GeneratedRegex(@"^user\[\d+\]: ipcbench: failed: ")]
    public static partial Regex IpcBenchFailed();

    /// <summary>The first match of <paramref name="pattern"/> among <paramref name="lines"/>, or null.</summary>
    public static Match? First(IReadOnlyList<string> lines, Regex pattern) =>
        lines.Select(l => pattern.Match(l)).FirstOrDefault(m => m.Success);

    /// <summary>A number of a regular expression group, invariant culture.</summary>
    public static double Number(Match match, string group) =>
        double.Parse(match.Groups[group].Value, NumberStyles.Float, CultureInfo.InvariantCulture);

    /// <summary>The kernel command line of a recovery boot.</summary>
    public static string RecoveryCommandLine => Plug.PlugLines.CommandLine(RecoveryIntervalMs, Plug.PlugWorkload.Kernel);
}
