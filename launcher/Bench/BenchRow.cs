using System;
using System.Collections.Generic;
using System.Linq;

namespace CapOS.Launcher.Bench;

/// <summary>
/// One line of the benchmark table (docs/bench.md, "The table"): a measure, its unit and one sample per run
/// that produced it, or the reason it could not be measured. Invariant B1: a row has samples or a reason,
/// never both and never neither (checked by the constructor; BenchRowTests).
/// </summary>
public sealed record BenchRow
{
    /// <summary>A measured row.</summary>
    public BenchRow(string section, string measure, string unit, IReadOnlyList<double> samples, string? note = null)
    {
        if (samples.Count == 0)
        {
            throw new ArgumentException("a measured row needs at least one sample (B1)", nameof(samples));
        }
        Section = section;
        Measure = measure;
        Unit = unit;
        Samples = samples;
        Note = note;
    }

    private BenchRow(string section, string measure, string reason)
    {
        Section = section;
        Measure = measure;
        Unit = "";
        Samples = [];
        Reason = reason;
    }

    /// <summary>The phase the row belongs to (a heading in the table).</summary>
    public string Section { get; }

    /// <summary>What is measured, e.g. "snapshot pause, dirty=64".</summary>
    public string Measure { get; }

    /// <summary>The unit of the samples: us, ms, MB/s.</summary>
    public string Unit { get; }

    /// <summary>One value per run, in run order.</summary>
    public IReadOnlyList<double> Samples { get; }

    /// <summary>A remark printed after the figures (e.g. a ratio to another row), or null.</summary>
    public string? Note { get; init; }

    /// <summary>Why there are no samples ("not available: ..." or "boot failed: ..."), or null when measured.</summary>
    public string? Reason { get; }

    /// <summary>The median of the samples (mean of the middle two for an even count).</summary>
    public double Median => MedianOf(Samples);

    /// <summary>The smallest sample.</summary>
    public double Min => Samples.Min();

    /// <summary>The largest sample.</summary>
    public double Max => Samples.Max();

    /// <summary>A row that could not be measured; <paramref name="reason"/> says why.</summary>
    public static BenchRow Unavailable(string section, string measure, string reason)
    {
        if (string.IsNullOrWhiteSpace(reason))
        {
            throw new ArgumentException("an unmeasured row needs its reason (B1)", nameof(reason));
        }
        return new BenchRow(section, measure, reason);
    }

    /// <summary>The median of <paramref name="values"/> (not empty).</summary>
    public static double MedianOf(IReadOnlyList<double> values)
    {
        double[] sorted = [.. values.Order()];
        int middle = sorted.Length / 2;
        return sorted.Length % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
    }
}
