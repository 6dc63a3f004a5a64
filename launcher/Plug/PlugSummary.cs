using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text;

namespace CapOS.Launcher.Plug;

/// <summary>The campaign's totals and the table printed at its end (docs/plug.md, "The summary").</summary>
public sealed class PlugSummary
{
    private readonly List<CycleResult> _cycles = [];
    private readonly PlugSettings _settings;

    /// <summary>Creates an empty summary; <paramref name="initialFloor"/> is the image's newest header.</summary>
    public PlugSummary(PlugSettings settings, long initialFloor)
    {
        _settings = settings;
        Floor = initialFloor;
    }

    /// <summary>The campaign's seed.</summary>
    public ulong Seed => _settings.Seed;

    /// <summary>The requested mode.</summary>
    public PlugMode Mode => _settings.Mode;

    /// <summary>The campaign's workload.</summary>
    public PlugWorkload Workload => _settings.Workload;

    /// <summary>Cycles asked for.</summary>
    public int PlannedCycles => _settings.Cycles;

    /// <summary>The cycles run so far (without the last recovery).</summary>
    public IReadOnlyList<CycleResult> Cycles => _cycles;

    /// <summary>The boot after the last cycle, once run.</summary>
    public CycleResult? Last { get; private set; }

    /// <summary>The exact floor: the newest valid header on the working disk.</summary>
    public long Floor { get; private set; }

    /// <summary>Cycles (and the last recovery) that failed.</summary>
    public int Failures => All.Count(c => c.Failed);

    /// <summary>Boots that recovered and passed every check.</summary>
    public int Recoveries => All.Count(c => c.Verdict.RecoveredSeq is not null && !c.Failed);

    /// <summary>True if every cycle passed and the last recovery ran and passed.</summary>
    public bool Passed => Failures == 0 && Last is not null;

    /// <summary>Every crash state of every power cut.</summary>
    public IEnumerable<StateResult> States => _cycles.SelectMany(c => c.States);

    private IEnumerable<CycleResult> All => Last is null ? _cycles : _cycles.Append(Last);

    /// <summary>Records a cycle.</summary>
    public void Add(CycleResult cycle)
    {
        _cycles.Add(cycle);
        Floor = cycle.FloorAfter;
    }

    /// <summary>Records the boot after the last cycle.</summary>
    public void AddLast(CycleResult last) => Last = last;

    /// <summary>Cuts per phase of the serial log, in phase order (failed cycles count where their cut landed too).</summary>
    public IReadOnlyList<(CheckpointPhase Phase, int Count)> CutsByPhase() =>
        [.. Enum.GetValues<CheckpointPhase>().Select(p => (p, _cycles.Count(c => c.Verdict.Phase == p)))];

    /// <summary>Crash states per phase read from the disk side.</summary>
    public IReadOnlyList<(CheckpointPhase Phase, int Count)> StatesByPhase() =>
        [.. Enum.GetValues<CheckpointPhase>().Where(p => p != CheckpointPhase.Snapshot).Select(p => (p, States.Count(s => s.Phase == p)))];

    /// <summary>The table, one measure per line.</summary>
    public string Render()
    {
        var rows = new List<(string, string)>
        {
            ("cycles", $"{_cycles.Count} of {PlannedCycles}; last recovery {(Last is null ? "not run" : Last.Failed ? "FAILED" : "ok")}"),
            ("cuts by mode", string.Join("  ", new[] { PlugMode.Kill, PlugMode.Power, PlugMode.Write }
                .Select(m => $"{Name(m)} {_cycles.Count(c => c.Plan.Mode == m)}"))),
            ("cuts by phase", string.Join("  ", CutsByPhase().Select(p => $"{Name(p.Phase)} {p.Count}"))),
            ("cuts in recovery", $"{Count(_cycles.Count(c => c.Verdict.CutDuringRecovery))} (before the first commit after recovery; judged by the next boot)"),
            ("timed cuts", TimedCuts()),
            ("recoveries", Count(Recoveries)),
            ("failures", Count(Failures)),
            ("recovered seq", RecoveredRange()),
            ("seq floor", $"{Count(Floor)} (newest valid header on the working disk)"),
            ("contents", Contents()),
            ("copy-on-write", $"{Count(All.Sum(c => c.Verdict.CowCopies))} copies while stabilizing (committed lines' cow=)"),
        };
        if (_cycles.Any(c => c.Plan.Mode == PlugMode.Power))
        {
            List<StateResult> states = [.. States];
            rows.Add(("crash states", $"{states.Count} ({states.Count(s => s.Verdict is not null)} booted beside the working disk); {states.Count(s => s.NonEmptyTail)} with a non-empty tail, {states.Count(s => s.Plan.Tail.Any(w => w.Torn))} with a torn write"));
            rows.Add(("states by phase", string.Join("  ", StatesByPhase().Select(p => $"{Name(p.Phase)} {p.Count}"))));
        }
        if (_cycles.Any(c => c.Plan.Mode == PlugMode.Write))
        {
            rows.Add(("write errors hit", string.Join("  ", new[] { WriteFault.Transient, WriteFault.Persistent }.Select(f =>
                $"{Name(f)} {_cycles.Count(c => c.Plan.Fault == f && c.ErrorHit)} of {_cycles.Count(c => c.Plan.Fault == f)}"))
                + $"; checkpointing stopped {_cycles.Count(c => c.Verdict.Stopped)}"));
        }
        rows.Add(("boot to recovered", MeanBoot()));
        int width = rows.Max(r => r.Item1.Length);
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"plug summary: seed {Seed}, mode {Name(Mode)}\n");
        foreach ((string name, string value) in rows)
        {
            text.Append("  ").Append(name.PadRight(width)).Append("  ").Append(value).Append('\n');
        }
        return text.ToString();
    }

    private string Contents()
    {
        int judged = All.Count(c => c.Verdict.ContentsJudged && !c.Failed)
            + States.Count(s => s.Verdict?.ContentsJudged == true && s.Failure is null);
        return Workload != PlugWorkload.Kernel
            ? $"{Count(judged)} recoveries resumed every process at the step after its snapshot's, digests equal"
            : $"{Count(judged)} recoveries held their snapshot's (step, digest)";
    }

    private string TimedCuts()
    {
        int timed = _cycles.Count(c => c.Plan.Kind == CutKind.AfterPhase);
        int reached = _cycles.Count(c => c.Plan.Kind == CutKind.AfterPhase && c.TargetReached);
        return $"{timed} ({reached} reached their phase line)";
    }

    private string RecoveredRange()
    {
        List<long> seqs = [.. All.Where(c => c.Verdict.RecoveredSeq is not null).Select(c => c.Verdict.RecoveredSeq!.Value)];
        return seqs.Count == 0 ? "none" : $"min {Count(seqs.Min())}  max {Count(seqs.Max())}";
    }

    private string MeanBoot()
    {
        List<double> ms = [.. All.Where(c => c.BootToRecovered is not null).Select(c => c.BootToRecovered!.Value.TotalMilliseconds)];
        return ms.Count == 0 ? "none" : string.Create(CultureInfo.InvariantCulture, $"mean {ms.Average():0.0} ms");
    }

    private static string Count(long value) => value.ToString(CultureInfo.InvariantCulture);

    private static string Name<T>(T value)
        where T : Enum => value.ToString().ToLowerInvariant();
}
