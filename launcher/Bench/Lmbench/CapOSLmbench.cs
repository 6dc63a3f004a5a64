using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text.RegularExpressions;

namespace CapOS.Launcher.Bench.Lmbench;

/// <summary>One CapOS figure in the line contract's terms: TSC ticks per iteration (least and median) for a
/// latency, or bytes moved in ticks for a bandwidth.</summary>
/// <param name="Iterations">n, or 0 for a bandwidth.</param>
/// <param name="MinTicks">The least ticks per iteration (a bandwidth: the ticks).</param>
/// <param name="MedianTicks">The median ticks per iteration (a bandwidth: the ticks).</param>
/// <param name="Bytes">Bytes moved (a bandwidth), else 0.</param>
public sealed record CapOSFigure(long Iterations, double MinTicks, double MedianTicks, long Bytes = 0);

/// <summary>
/// The CapOS side's figures by row id, read from the guest line contract (common.md, docs/bench.md "lmbench"):
/// <c>lmbench: row=ID n=N min-ticks=A median-ticks=B</c> or <c>lmbench: row=ID bytes=B ticks=T</c>, then
/// <c>lmbench: done</c>, each possibly after the console's <c>user[P]: </c> prefix; fields by name. The programs
/// that print the older <c>ipcbench:</c> and <c>pipebench:</c> lines are turned into the same figures here.
/// </summary>
public static partial class CapOSLmbench
{
    /// <summary>Reads the contract's lines. Null when <c>lmbench: done</c> is missing; a row line without its
    /// fields, with n=0, or naming an unknown row is an error (the message says which).</summary>
    public static (IReadOnlyDictionary<string, CapOSFigure>? Figures, string? Error) ReadContract(IReadOnlyList<string> lines)
    {
        var figures = new Dictionary<string, CapOSFigure>(StringComparer.Ordinal);
        bool done = false;
        foreach (string line in lines)
        {
            Match match = ContractLine().Match(line.TrimEnd('\r'));
            if (!match.Success)
            {
                done |= Done().IsMatch(line.TrimEnd('\r'));
                continue;
            }
            string id = match.Groups["row"].Value;
            if (!LmbenchRowSpec.All.Any(r => r.Id == id) && id != "ipc-rt-2as")
            {
                return (null, $"unknown row '{id}' in: {line}");
            }
            IReadOnlyDictionary<string, double> f = PageFaultBench.Fields(match.Groups["fields"].Value);
            if (f.TryGetValue("bytes", out double bytes) && f.TryGetValue("ticks", out double ticks) && bytes > 0 && ticks > 0)
            {
                figures[id] = new CapOSFigure(0, ticks, ticks, (long)bytes);
            }
            else if (f.TryGetValue("n", out double n) && n >= 1 && f.TryGetValue("min-ticks", out double min) && f.TryGetValue("median-ticks", out double median))
            {
                figures[id] = new CapOSFigure((long)n, min, median);
            }
            else
            {
                return (null, $"a row line without n>=1, min-ticks and median-ticks (or bytes and ticks): {line}");
            }
        }
        return done ? (figures, null) : (null, "no 'lmbench: done' line");
    }

    /// <summary>IpcBench's boot as contract figures: null-call, ipc-rt, ctx-switch (derived), page-fault.</summary>
    public static Dictionary<string, CapOSFigure> FromIpc(IpcRun run)
    {
        IpcMeasure Get(string name) => run[name];
        CapOSFigure Of(string name) => new(Get(name).Samples * Get(name).Per, Get(name).MinPerOperation, Get(name).MedianPerOperation);
        double Switch(Func<IpcMeasure, double> pick) =>
            (pick(Get("call-half")) + pick(Get("return-half"))) / 2 - pick(Get("null-invocation"));
        return new Dictionary<string, CapOSFigure>(StringComparer.Ordinal)
        {
            ["null-call"] = Of("null-invocation"),
            ["ipc-rt"] = Of("round-trip"),
            ["ctx-switch"] = new(Get("call-half").Samples, Switch(m => m.MinPerOperation), Switch(m => m.MedianPerOperation)),
            ["page-fault"] = Of("fault-rebuild"),
        };
    }

    /// <summary>PipeBench's lines (<c>pipebench: latency round-trips=N mean=A min=L</c>, <c>pipebench: bandwidth
    /// bytes=B chunk=4096 ticks=T</c> and the same with <c>chunk=65536</c>, <c>pipebench: done</c>) as contract figures. PipeBench keeps no median: the
    /// mean stands in its place (docs/bench.md says so). Null with the reason when a line is missing.</summary>
    public static (Dictionary<string, CapOSFigure>? Figures, string? Error) FromPipe(IReadOnlyList<string> lines)
    {
        Match? latency = lines.Select(l => PipeLatency().Match(l)).FirstOrDefault(m => m.Success);
        Match? bandwidth = lines.Select(l => PipeBandwidth().Match(l)).FirstOrDefault(m => m.Success && m.Groups["chunk"].Value == "4096");
        Match? large = lines.Select(l => PipeBandwidth().Match(l)).FirstOrDefault(m => m.Success && m.Groups["chunk"].Value == "65536");
        if (lines.FirstOrDefault(l => l.Contains("pipebench: FAILED", StringComparison.Ordinal)) is string failed)
        {
            return (null, failed);
        }
        if (latency is null || bandwidth is null || large is null || !lines.Any(l => PipeDone().IsMatch(l)))
        {
            return (null, latency is null ? "no 'pipebench: latency' line" : bandwidth is null ? "no 'pipebench: bandwidth ... chunk=4096' line"
                : large is null ? "no 'pipebench: bandwidth ... chunk=65536' line" : "no 'pipebench: done' line");
        }
        double Number(Match m, string group) => double.Parse(m.Groups[group].Value, CultureInfo.InvariantCulture);
        return (new Dictionary<string, CapOSFigure>(StringComparer.Ordinal)
        {
            ["pipe-latency"] = new((long)Number(latency, "n"), Number(latency, "min"), Number(latency, "mean")),
            ["pipe-bandwidth"] = new(0, Number(bandwidth, "ticks"), Number(bandwidth, "ticks"), (long)Number(bandwidth, "bytes")),
            ["pipe-bandwidth-64k"] = new(0, Number(large, "ticks"), Number(large, "ticks"), (long)Number(large, "bytes")),
        }, null);
    }

    [GeneratedRegex(@"^(user\[\d+\]: )?lmbench: row=(?<row>[a-z0-9-]+) (?<fields>.*)$")]
    private static partial Regex ContractLine();

    [GeneratedRegex(@"^(user\[\d+\]: )?lmbench: done\b")]
    private static partial Regex Done();

    [GeneratedRegex(@"^user\[\d+\]: pipebench: latency round-trips=(?<n>\d+) mean=(?<mean>\d+) min=(?<min>\d+)")]
    private static partial Regex PipeLatency();

    [GeneratedRegex(@"^user\[\d+\]: pipebench: bandwidth bytes=(?<bytes>\d+) chunk=(?<chunk>\d+) ticks=(?<ticks>\d+)")]
    private static partial Regex PipeBandwidth();

    [GeneratedRegex(@"^user\[\d+\]: pipebench: done\b")]
    private static partial Regex PipeDone();
}
