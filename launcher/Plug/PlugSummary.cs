using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text;

namespace CapOS.Launcher.Plug;

/// <summary>The campaign's totals and the table printed at its end (docs/plug.md, "Summary").</summary>
public sealed class PlugSummary
{
    private readonly List<CycleResult> _cycles = [];

    /// <summary>Creates an empty summary.</summary>
    public PlugSummary(ulong seed, PlugMode mode, int plannedCycles, long initialFloor)
    {
        Seed = seed;
        Mode = mode;
        PlannedCycles = plannedCycles;
        Floor = initialFloor;
    }

    /// <summary>The campaign's seed.</summary>
    public ulong Seed { get; }

    /// <summary>The requested mode.</summary>
    public PlugMode Mode { get; }

    /// <summary>Cycles asked for.</summary>
    public int PlannedCycles { get; }

    /// <summary>The cycles run so far.</summary>
    public IReadOnlyList<CycleResult> Cycles => _cycles;

    /// <summary>The highest seq known durable.</summary>
    public long Floor { get; private set; }

    /// <summary>Cycles that failed.</summary>
    public int Failures => _cycles.Count(c => c.Failed);

    /// <summary>Cycles whose boot recovered and passed every check up to the cut.</summary>
    public int Recoveries => _cycles.Count(c => c.Verdict.RecoveredSeq is not null && !c.Failed);

    /// <summary>Records a cycle.</summary>
    public void Add(CycleResult cycle)
    {
        _cycles.Add(cycle);
        Floor = Math.Max(Floor, cycle.Verdict.Floor);
    }

    /// <summary>Cuts per phase, in phase order (failed cycles count where their cut landed too).</summary>
    public IReadOnlyList<(CheckpointPhase Phase, int Count)> CutsByPhase() =>
        [.. Enum.GetValues<CheckpointPhase>().Select(p => (p, _cycles.Count(c => c.Verdict.Phase == p)))];

    /// <summary>The table, one measure per line.</summary>
    public string Render()
    {
        var rows = new List<(string, string)>
        {
            ("cycles", $"{_cycles.Count} of {PlannedCycles}"),
            ("cuts by mode", string.Join("  ", new[] { PlugMode.Kill, PlugMode.Power, PlugMode.Write }
                .Select(m => $"{Name(m)} {_cycles.Count(c => c.Plan.Mode == m)}"))),
            ("cuts by phase", string.Join("  ", CutsByPhase().Select(p => $"{Name(p.Phase)} {p.Count}"))),
            ("timed cuts", TimedCuts()),
            ("recoveries", Count(Recoveries)),
            ("failures", Count(Failures)),
            ("recovered seq", RecoveredRange()),
            ("seq floor", Count(Floor)),
            ("boot to recovered", MeanBoot()),
        };
        if (_cycles.Any(c => c.Plan.Mode == PlugMode.Write))
        {
            int writes = _cycles.Count(c => c.Plan.Mode == PlugMode.Write);
            rows.Add(("write errors hit", $"{_cycles.Count(c => c.WriteFailed)} of {writes}"));
        }
        int width = rows.Max(r => r.Item1.Length);
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"plug summary: seed {Seed}, mode {Name(Mode)}\n");
        foreach ((string name, string value) in rows)
        {
            text.Append("  ").Append(name.PadRight(width)).Append("  ").Append(value).Append('\n');
        }
        return text.ToString();
    }

    private string TimedCuts()
    {
        int timed = _cycles.Count(c => c.Plan.Kind == CutKind.AfterPhase);
        int reached = _cycles.Count(c => c.Plan.Kind == CutKind.AfterPhase && c.TargetReached);
        return $"{timed} ({reached} reached their phase line)";
    }

    private string RecoveredRange()
    {
        List<long> seqs = [.. _cycles.Where(c => c.Verdict.RecoveredSeq is not null).Select(c => c.Verdict.RecoveredSeq!.Value)];
        return seqs.Count == 0 ? "none" : $"min {Count(seqs.Min())}  max {Count(seqs.Max())}";
    }

    private string MeanBoot()
    {
        List<double> ms = [.. _cycles.Where(c => c.BootToRecovered is not null).Select(c => c.BootToRecovered!.Value.TotalMilliseconds)];
        return ms.Count == 0 ? "none" : string.Create(CultureInfo.InvariantCulture, $"mean {ms.Average():0.0} ms");
    }

    private static string Count(long value) => value.ToString(CultureInfo.InvariantCulture);

    private static string Name<T>(T value)
        where T : Enum => value.ToString().ToLowerInvariant();
}
