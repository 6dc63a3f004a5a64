using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text;

namespace CapOS.Launcher.Bench.Lmbench;

/// <summary>
/// The one table of <c>capos bench lmbench</c> (docs/bench.md "lmbench"): test, CapOS, Linux, ratio, EROS'99
/// ratio, target, met. The header says what the figures are: instruction counts under icount (which repeat), or
/// TCG wall clock as the guest sees it with the spread of the runs (median and min-max). Rows a side could not
/// measure say why below the table. Pure.
/// </summary>
public static class LmbenchTable
{
    private static readonly string[] Heading = ["test", "unit", "CapOS", "Linux", "ratio", "EROS'99", "target", "met"];

    /// <summary>Renders the table.</summary>
    public static string Render(BenchEnvironment environment, int runs, bool deterministic, IReadOnlyList<LmbenchLine> lines,
        IReadOnlyList<string> extra)
    {
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"capos bench lmbench: CapOS beside Linux lmbench in the same QEMU, {runs} run{(runs == 1 ? "" : "s")} per side\n");
        text.Append(CultureInfo.InvariantCulture, $"  qemu         {environment.QemuVersion}\n");
        text.Append(CultureInfo.InvariantCulture, $"  accelerator  {environment.Accelerator}\n");
        text.Append(CultureInfo.InvariantCulture, $"  host cpu     {environment.HostCpu}\n");
        text.Append(deterministic
            ? "  figures      INSTRUCTION COUNTS under icount (1 instruction = 1 ns of guest time): medians of the runs, which repeat exactly: every timed pass touches only objects in memory and no checkpoint falls in it (a disk wait would count host time; docs/bench.md 'Repeatability')\n"
            : "  figures      TCG WALL CLOCK as the guest sees it: median (min-max) of the runs; expect a spread of 2-3x on a shared host\n");
        text.Append("  ratio        CapOS / Linux per operation (below 1.0: CapOS faster); bandwidth: CapOS MB/s / Linux MB/s\n\n");
        List<string[]> cells = [.. lines.Select(l => Cells(l, deterministic))];
        int[] widths = [.. Enumerable.Range(0, Heading.Length).Select(c => cells.Select(r => r[c].Length).Append(Heading[c].Length).Max())];
        text.Append(Line(Heading, widths)).Append('\n');
        foreach (string[] row in cells)
        {
            text.Append(Line(row, widths)).Append('\n');
        }
        var reasons = lines.SelectMany(l => new[] { ("CapOS", l.Spec.Id, l.CapOS.Reason), ("Linux", l.Spec.Id, l.Linux.Reason) })
            .Where(r => r.Reason is not null && r.Reason != "no Linux counterpart").ToList();
        if (reasons.Count > 0 || extra.Count > 0)
        {
            text.Append('\n');
        }
        foreach ((string side, string id, string? reason) in reasons)
        {
            text.Append(CultureInfo.InvariantCulture, $"  {id}, {side}: {reason}\n");
        }
        foreach (string line in extra)
        {
            text.Append("  ").Append(line).Append('\n');
        }
        return text.ToString();
    }

    private static string[] Cells(LmbenchLine line, bool deterministic)
    {
        string target = line.Spec.Target is not double t ? "-"
            : line.Spec.Linux is null ? $"< {BenchTable.Format(t)} instr"
            : line.Spec.Bandwidth ? $">= {t:0.0#}x" : $"<= {t:0.0#}x";
        string met = line.Met(deterministic) switch { true => "yes", false => "NO", null => "-" };
        return
        [
            line.Spec.Id, LmbenchLine.Unit(line.Spec, deterministic), Figure(line.CapOS, deterministic), Figure(line.Linux, deterministic),
            line.Ratio is double r ? r.ToString("0.00", CultureInfo.InvariantCulture) + "x" : "-",
            line.Spec.ErosRatio is double e ? e.ToString("0.00#", CultureInfo.InvariantCulture) + "x" : "-",
            target, met,
        ];
    }

    private static string Figure(BenchRow row, bool deterministic)
    {
        if (row.Reason is not null)
        {
            return row.Reason == "no Linux counterpart" ? "-" : "n/a";
        }
        string median = BenchTable.Format(row.Median);
        return deterministic || row.Samples.Count == 1 ? median : $"{median} ({BenchTable.Format(row.Min)}-{BenchTable.Format(row.Max)})";
    }

    private static string Line(string[] cells, int[] widths)
    {
        var line = new StringBuilder();
        for (int c = 0; c < widths.Length; c++)
        {
            line.Append(c < 2 ? cells[c].PadRight(widths[c]) : cells[c].PadLeft(widths[c])).Append("  ");
        }
        return line.ToString().TrimEnd();
    }
}
