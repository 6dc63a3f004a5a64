using System;
using System.Globalization;
using System.IO;
using System.Text;

namespace CapOS.Launcher.Plug;

/// <summary>
/// The campaign's progress on stdout: on a terminal one line rewritten in place (a bar, the cycle, the last
/// recovered seq, the floor, failures); otherwise (CI, a pipe) one plain line per cycle.
/// </summary>
public sealed class PlugProgress
{
    private const int BarWidth = 24;
    private readonly TextWriter _out;
    private readonly bool _interactive;
    private int _lastWidth;

    /// <summary>Writes to <paramref name="output"/>; rewrites one line if <paramref name="interactive"/>.</summary>
    public PlugProgress(TextWriter output, bool interactive)
    {
        _out = output;
        _interactive = interactive;
    }

    /// <summary>Reports a finished cycle.</summary>
    public void Report(CycleResult cycle, PlugSummary summary)
    {
        string seq = cycle.Verdict.RecoveredSeq?.ToString(CultureInfo.InvariantCulture) ?? "-";
        string phase = cycle.Verdict.Phase.ToString().ToLowerInvariant();
        bool last = cycle.Plan.Cycle > summary.PlannedCycles;
        string what = last ? "last recovery" : $"cycle {cycle.Plan.Cycle}/{summary.PlannedCycles} {cycle.Plan.Describe()}";
        string states = cycle.States.Count == 0 ? "" : $"; {cycle.States.Count} crash states";
        if (!_interactive)
        {
            _out.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"plug: {what}; recovered seq {seq}; {(last ? "committed" : $"cut in {phase}")}{states}; floor {summary.Floor}; {(cycle.Failed ? "FAILED: " + cycle.Failure : "ok")}"));
            _out.Flush();
            return;
        }
        int done = summary.Cycles.Count;
        int filled = summary.PlannedCycles == 0 ? BarWidth : done * BarWidth / summary.PlannedCycles;
        var line = new StringBuilder("\r[").Append('#', filled).Append('.', BarWidth - filled).Append(']');
        line.Append(CultureInfo.InvariantCulture,
            $" {done}/{summary.PlannedCycles} seq {seq} floor {summary.Floor} last cut {phase} failures {summary.Failures}");
        int width = line.Length;
        line.Append(' ', Math.Max(0, _lastWidth - width));
        _lastWidth = width;
        _out.Write(line.ToString());
        _out.Flush();
    }

    /// <summary>Ends the rewritten line (nothing to do in plain mode).</summary>
    public void Finish()
    {
        if (_interactive && _lastWidth > 0)
        {
            _out.WriteLine();
            _out.Flush();
        }
    }
}
