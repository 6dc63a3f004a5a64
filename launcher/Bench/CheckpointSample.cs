using System;
using System.Collections.Generic;
using System.Globalization;

namespace CapOS.Launcher.Bench;

/// <summary>
/// One <c>bench: checkpoint dirty=D pause-us=x stabilize-us=y stabilize-mbps=z migrate-us=.. migrate-mbps=..</c>
/// line: the dirty-object count and every other numeric field by name, in line order. Fields are read by name,
/// so the kernel may add, drop or reorder them; a field whose value is not a number is skipped.
/// </summary>
/// <param name="Dirty">The number of dirty objects the checkpoint took.</param>
/// <param name="Fields">The numeric fields other than dirty, in line order.</param>
public sealed record CheckpointSample(long Dirty, IReadOnlyList<KeyValuePair<string, double>> Fields)
{
    /// <summary>The field that names the dirty-object count.</summary>
    public const string DirtyField = "dirty";

    /// <summary>Parses one serial line; null when it is not a sample (another line, or no <c>dirty=</c>).</summary>
    public static CheckpointSample? Parse(string line)
    {
        var match = BenchLines.CheckpointSample().Match(line);
        if (!match.Success || BenchLines.CheckpointRefusal().IsMatch(line) || BenchLines.CheckpointDone().IsMatch(line))
        {
            return null;
        }
        long? dirty = null;
        var fields = new List<KeyValuePair<string, double>>();
        foreach (string word in match.Groups["fields"].Value.Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            int equals = word.IndexOf('=', StringComparison.Ordinal);
            if (equals <= 0)
            {
                continue;
            }
            string name = word[..equals];
            string text = word[(equals + 1)..];
            if (name == DirtyField)
            {
                dirty = long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out long d) ? d : null;
            }
            else if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double value))
            {
                fields.Add(new KeyValuePair<string, double>(name, value));
            }
        }
        return dirty is long count ? new CheckpointSample(count, fields) : null;
    }

    /// <summary>How a field is shown: its label and unit. Known fields get the words; others their
    /// own name, the unit from their suffix (<c>-us</c>, <c>-ms</c>, <c>-mbps</c>).</summary>
    public static (string Label, string Unit) Describe(string field) =>
        field switch
        {
            "pause-us" => ("snapshot pause", "us"),
            "stabilize-us" => ("stabilization time", "us"),
            "stabilize-mbps" => ("stabilization throughput", "MB/s"),
            "migrate-us" => ("migration time", "us"),
            "migrate-mbps" => ("migration throughput", "MB/s"),
            _ when field.EndsWith("-us", StringComparison.Ordinal) => (field[..^3], "us"),
            _ when field.EndsWith("-ms", StringComparison.Ordinal) => (field[..^3], "ms"),
            _ when field.EndsWith("-mbps", StringComparison.Ordinal) => (field[..^5], "MB/s"),
            _ => (field, ""),
        };
}
