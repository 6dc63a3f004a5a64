using System.Text.RegularExpressions;

namespace CapOS.Launcher.Fuzz;

/// <summary>
/// The serial lines a fuzz run is judged by (docs/fuzz.md "Serial contract"). The fuzzers' lines come through
/// the console key, so the kernel prefixes them with <c>user[pid]: </c>.
/// </summary>
public static partial class FuzzLines
{
    /// <summary><c>fuzz: progress|done fuzzer=I invocations=N faults=F results=0:a,1:b,...,other:c</c>.</summary>
    [GeneratedRegex(@"^user\[\d+\]: fuzz: (?<what>progress|done) fuzzer=(?<fuzzer>\d+) invocations=(?<n>\d+) faults=(?<faults>\d+) results=(?<results>[0-9:,]*other:\d+)")]
    public static partial Regex Report();

    /// <summary><c>fuzz: warden done kicks=N</c>.</summary>
    [GeneratedRegex(@"^user\[\d+\]: fuzz: warden done kicks=(?<kicks>\d+)")]
    public static partial Regex WardenDone();

    /// <summary><c>fuzz: health ok ...</c> or <c>fuzz: health FAIL what (a, b)</c>: the warden's check of the services after the run.</summary>
    [GeneratedRegex(@"^user\[\d+\]: fuzz: health (?<verdict>ok|FAIL)(?<rest>.*)$")]
    public static partial Regex Health();

    /// <summary><c>checkpoint: committed seq=N ...</c>.</summary>
    [GeneratedRegex(@"^checkpoint: committed seq=(?<seq>\d+)")]
    public static partial Regex Committed();

    /// <summary>
    /// A line that fails the run: a kernel panic or exception, a failed consistency check or checkpoint, a
    /// stopped checkpoint, recovery refused. A fuzzer's fault line (<c>fault: process ...</c>) is not one: faults
    /// are what the fuzzers do on purpose.
    /// </summary>
    [GeneratedRegex(@"^(PANIC:|EXCEPTION |checkpoint: check failed|checkpoint: failed|checkpoint: stopped|checkpoint: header write failed|checkpoint: write error|store: cannot boot)")]
    public static partial Regex Failure();

    /// <summary>The kernel command line of a fuzz boot: the checkpoint interval.</summary>
    public static string CommandLine(int checkpointIntervalMs) =>
        string.Create(System.Globalization.CultureInfo.InvariantCulture, $"checkpoint-interval-ms={checkpointIntervalMs}");
}
