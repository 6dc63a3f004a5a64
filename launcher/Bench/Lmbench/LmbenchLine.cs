using System;
using System.Collections.Generic;
using System.Linq;

namespace CapOS.Launcher.Bench.Lmbench;

/// <summary>
/// One row of the lmbench table: the row's spec and each side's figures over the runs (a <see cref="BenchRow"/>
/// each, so each side has samples or the reason it has none: B1). Latencies are in instructions under
/// <c>--deterministic</c> (CapOS: icount TSC ticks; Linux: lmbench's microseconds x 1000, as icount makes one
/// instruction one nanosecond), else microseconds; bandwidth in MB/s.
/// </summary>
public sealed record LmbenchLine(LmbenchRowSpec Spec, BenchRow CapOS, BenchRow Linux)
{
    /// <summary>CapOS over Linux (bandwidth: CapOS's MB/s over Linux's), or null when a side is missing.</summary>
    public double? Ratio => CapOS.Reason is null && Linux.Reason is null && Linux.Median > 0 ? CapOS.Median / Linux.Median : null;

    /// <summary>The ratio as time per operation (bandwidth inverted): what the chart draws, Linux = 1.0.</summary>
    public double? TimeRatio => Ratio is double r ? (Spec.Bandwidth ? (r > 0 ? 1 / r : null) : r) : null;

    /// <summary>EROS'99's ratio as time per operation.</summary>
    public double? ErosTimeRatio => Spec.ErosRatio is double e ? (Spec.Bandwidth ? 1 / e : e) : null;

    /// <summary>Whether the target is met: the ratio against it, or for <c>ipc-rt</c> the instruction count
    /// (only under icount); null when it cannot be judged.</summary>
    public bool? Met(bool deterministic)
    {
        if (Spec.Linux is null)
        {
            return deterministic && CapOS.Reason is null && Spec.Target is double bound ? CapOS.Median < bound : null;
        }
        return Ratio is double r && Spec.Target is not null ? Spec.Meets(r) : null;
    }

    /// <summary>The unit of a row's figures.</summary>
    public static string Unit(LmbenchRowSpec spec, bool deterministic) => spec.Bandwidth ? "MB/s" : deterministic ? "instr" : "us";

    /// <summary>A CapOS figure in the table's unit, from ticks at the kernel's TSC rate (icount: ticks as they are).</summary>
    public static double CapOSValue(LmbenchRowSpec spec, CapOSFigure figure, double tscMhz, bool deterministic)
    {
        double ticksPerMicrosecond = deterministic ? 1000 : tscMhz;
        return spec.Bandwidth ? figure.Bytes / (figure.MedianTicks / ticksPerMicrosecond)
            : spec.CapOSScale * (deterministic ? figure.MedianTicks : figure.MedianTicks / tscMhz);
    }

    /// <summary>A Linux figure in the table's unit (lmbench prints microseconds or MB/s).</summary>
    public static double LinuxValue(LmbenchRowSpec spec, double figure, bool deterministic) =>
        spec.Bandwidth || !deterministic ? figure : figure * 1000;

    /// <summary>The lines from each side's runs: per row, CapOS's figures (or the reason) and Linux's.</summary>
    public static IReadOnlyList<LmbenchLine> Combine(IReadOnlyList<(IReadOnlyDictionary<string, CapOSFigure> Figures, double TscMhz)> capos,
        IReadOnlyDictionary<string, string> caposReasons, IReadOnlyList<LinuxRun> linux, string? linuxReason, bool deterministic)
    {
        var lines = new List<LmbenchLine>();
        foreach (LmbenchRowSpec spec in LmbenchRowSpec.All)
        {
            string unit = Unit(spec, deterministic);
            double[] ours = [.. capos.Where(r => r.Figures.ContainsKey(spec.Id)).Select(r => CapOSValue(spec, r.Figures[spec.Id], r.TscMhz, deterministic))];
            BenchRow caposRow = ours.Length > 0 ? new BenchRow("CapOS", spec.Test, unit, ours)
                : BenchRow.Unavailable("CapOS", spec.Test, caposReasons.TryGetValue(spec.Id, out string? why) ? why : "not measured");
            double[] theirs = [.. linux.Where(r => r.Figures.ContainsKey(spec.Id)).Select(r => LinuxValue(spec, r.Figures[spec.Id], deterministic))];
            BenchRow linuxRow = spec.Linux is null ? BenchRow.Unavailable("Linux", spec.Test, "no Linux counterpart")
                : theirs.Length > 0 ? new BenchRow("Linux", spec.Test, unit, theirs)
                : BenchRow.Unavailable("Linux", spec.Test, linuxReason ?? "not measured");
            lines.Add(new LmbenchLine(spec, caposRow, linuxRow));
        }
        return lines;
    }
}
