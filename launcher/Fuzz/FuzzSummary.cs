using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text;
using System.Text.RegularExpressions;

namespace CapOS.Launcher.Fuzz;

/// <summary>The summary table of a fuzz run (docs/fuzz.md "Summary"): invocations, result codes with counts, faults, kicks, checkpoints.</summary>
public sealed record FuzzSummary(long Invocations, long Faults, long Kicks, int Commits, IReadOnlyDictionary<string, long> Results,
    string? Health = null)
{
    /// <summary>Result codes by number (kernel/Invocation/InvocationResult.cs).</summary>
    private static readonly string[] Names =
    [
        "Ok", "UnknownOrder", "Void", "BadKeyRegister", "BadString", "CheckpointFailed", "RequestError", "NoAccess",
        "NoMoreNodes", "NoMorePages", "BadInvocation", "ObjectUnavailable",
    ];

    /// <summary>Sums the done lines the judge kept.</summary>
    public static FuzzSummary From(FuzzJudge judge)
    {
        long invocations = 0, faults = 0;
        var results = new SortedDictionary<string, long>(StringComparer.Ordinal);
        foreach (Match done in judge.Done.Values)
        {
            invocations += long.Parse(done.Groups["n"].Value, CultureInfo.InvariantCulture);
            faults += long.Parse(done.Groups["faults"].Value, CultureInfo.InvariantCulture);
            foreach (string pair in done.Groups["results"].Value.Split(',', StringSplitOptions.RemoveEmptyEntries))
            {
                string[] parts = pair.Split(':');
                string name = parts[0] == "other" ? "other (a message, or a kicked wait)"
                    : int.Parse(parts[0], CultureInfo.InvariantCulture) is int code && code < Names.Length ? $"{code} {Names[code]}" : $"{parts[0]} (a message)";
                results[name] = (results.TryGetValue(name, out long n) ? n : 0) + long.Parse(parts[1], CultureInfo.InvariantCulture);
            }
        }

        return new FuzzSummary(invocations, faults, judge.Kicks, judge.Commits, results, judge.Health);
    }

    /// <summary>The table, plain text.</summary>
    public string Render()
    {
        var text = new StringBuilder();
        text.AppendLine(string.Create(CultureInfo.InvariantCulture, $"invocations            {Invocations,12}"));
        text.AppendLine(string.Create(CultureInfo.InvariantCulture, $"faults (deliberate)    {Faults,12}"));
        text.AppendLine(string.Create(CultureInfo.InvariantCulture, $"warden kicks           {Kicks,12}"));
        text.AppendLine(string.Create(CultureInfo.InvariantCulture, $"checkpoints committed  {Commits,12}"));
        text.AppendLine($"services health        {(Health is null ? "not checked" : "ok " + Health)}");
        text.AppendLine("result codes seen:");
        foreach ((string name, long count) in Results.OrderByDescending(r => r.Value))
        {
            text.AppendLine(string.Create(CultureInfo.InvariantCulture, $"  {name,-38} {count,10}"));
        }

        return text.ToString();
    }
}
