using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text;

namespace CapOS.Launcher.Bench;

/// <summary>
/// The one table <c>capos bench checkpoint|faults|ipc</c> prints (docs/bench.md, "The table"): the environment, what the
/// clock means, then one line per measure with its unit, median, least and largest sample and sample count n
/// (one per run, except the pooled mutator pauses),
/// grouped by phase; a phase that could not run shows its reason instead. Pure, snapshot-tested.
/// </summary>
public static class BenchTable
{
    private static readonly string[] Heading = ["measure", "unit", "median", "min", "max", "n", "note"];

    /// <summary>Renders the table of <c>capos bench <paramref name="verb"/></c>.</summary>
    public static string Render(BenchEnvironment environment, int runs, bool deterministic, IReadOnlyList<BenchRow> rows,
        string verb = "checkpoint")
    {
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"capos bench {verb}: up to {runs} run{(runs == 1 ? "" : "s")} per phase\n");
        Pairs(text,
        [
            ("qemu", environment.QemuVersion),
            ("accelerator", environment.Accelerator),
            ("host cpu", environment.HostCpu),
            ("guest time", deterministic
                ? "instruction counts at 1 ns each (-icount shift=0), not real time; MB/s are per such ns"
                : "the guest's TSC under TCG (host time as the guest sees it)"),
            ("host time", "wall clock of this host"),
        ]);
        text.Append('\n');
        List<string[]> cells = [.. rows.Where(r => r.Reason is null).Select(Cells)];
        int[] widths = [.. Enumerable.Range(0, Heading.Length - 1)
            .Select(c => cells.Select(row => row[c].Length).Append(Heading[c].Length).Max())];
        text.Append(Line(Heading, widths)).Append('\n');
        foreach (IGrouping<string, BenchRow> section in rows.GroupBy(r => r.Section))
        {
            text.Append(section.Key).Append('\n');
            foreach (BenchRow row in section)
            {
                text.Append(row.Reason is null ? Line(Cells(row), widths)
                    : "  " + (row.Measure.Length == 0 ? row.Reason : $"{row.Measure}: {row.Reason}"));
                text.Append('\n');
            }
        }
        return text.ToString();
    }

    /// <summary>A figure with three or so significant digits: 1234, 123, 12.3, 1.23.</summary>
    public static string Format(double value)
    {
        double magnitude = Math.Abs(value);
        string format = magnitude >= 100 ? "0" : magnitude >= 10 ? "0.0" : "0.00";
        return value.ToString(format, CultureInfo.InvariantCulture);
    }

    private static string[] Cells(BenchRow row) =>
        ["  " + row.Measure, row.Unit, Format(row.Median), Format(row.Min), Format(row.Max),
            row.Samples.Count.ToString(CultureInfo.InvariantCulture), row.Note ?? ""];

    /// <summary>Measure and unit left-aligned, figures right-aligned, the note last and unpadded.</summary>
    private static string Line(string[] cells, int[] widths)
    {
        var line = new StringBuilder();
        for (int c = 0; c < widths.Length; c++)
        {
            line.Append(c < 2 ? cells[c].PadRight(widths[c]) : cells[c].PadLeft(widths[c])).Append("  ");
        }
        return line.Append(cells[^1]).ToString().TrimEnd();
    }

    private static void Pairs(StringBuilder text, (string Name, string Value)[] pairs)
    {
        int width = pairs.Max(p => p.Name.Length);
        foreach ((string name, string value) in pairs)
        {
            text.Append("  ").Append(name.PadRight(width)).Append("  ").Append(value).Append('\n');
        }
    }
}
