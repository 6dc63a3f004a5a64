using System;
using System.Collections.Generic;
using System.Globalization;
using System.Text.RegularExpressions;

namespace CapOS.Launcher.Plug;

/// <summary>
/// Judges one boot of the campaign from its serial lines (docs/plug.md, "Checks"). Pure, so every rule is
/// unit-tested. A boot fails when:
/// C1 any failure line appears (<c>store: cannot boot</c>, <c>mutator: invariant broken</c>, <c>panic:</c>,
/// <c>fault:</c>, a kernel exception), before or after recovery;
/// C2 there is no <c>checkpoint: recovered</c> line, or no <c>mutator: recovered</c> line after it;
/// C3 the recovered seq is below the floor (the highest seq known durable before the boot: a checkpoint
/// whose header was flushed was lost);
/// C4 the mutator reports another seq than the checkpoint;
/// C5 a <c>committed</c> seq is not above the recovered seq and every earlier committed seq (a reused seq).
/// </summary>
public static class PlugJudge
{
    /// <summary>Judges <paramref name="lines"/> (one boot, from its first line) against <paramref name="floor"/>.</summary>
    public static CycleVerdict Judge(IReadOnlyList<string> lines, long floor)
    {
        string? failure = FirstFailureLine(lines);
        int recovered = Find(lines, PlugLines.Recovered(), 0, out Match recoveredMatch);
        long? seq = recovered < 0 ? null : Number(recoveredMatch, "seq");
        Match mutatorMatch = Match.Empty;
        int mutator = recovered < 0 ? -1 : Find(lines, PlugLines.MutatorRecovered(), recovered + 1, out mutatorMatch);
        long? mutatorSeq = mutator < 0 ? null : Number(mutatorMatch, "seq");
        long? step = mutator < 0 ? null : Number(mutatorMatch, "step");
        (CheckpointPhase phase, long? maxCommitted, string? orderProblem) =
            recovered < 0 ? (CheckpointPhase.Idle, null, null) : FollowProgress(lines, recovered + 1, seq!.Value);
        bool complete = failure is not null || mutator >= 0;
        failure ??= recovered < 0 ? "no 'checkpoint: recovered' line"
            : seq < floor ? $"recovered seq {seq} is below the floor {floor}: a committed checkpoint was lost"
            : mutator < 0 ? "no 'mutator: recovered' line after the checkpoint's"
            : mutatorSeq != seq ? $"the mutator recovered seq {mutatorSeq}, the checkpoint seq {seq}"
            : orderProblem;
        long newFloor = Math.Max(floor, Math.Max(seq ?? floor, maxCommitted ?? floor));
        return new CycleVerdict(complete, seq, step, phase, maxCommitted, newFloor, failure);
    }

    private static string? FirstFailureLine(IReadOnlyList<string> lines)
    {
        for (int i = 0; i < lines.Count; i++)
        {
            if (PlugLines.Failure().IsMatch(lines[i]))
            {
                return string.Create(CultureInfo.InvariantCulture, $"serial line {i + 1}: {lines[i]}");
            }
        }
        return null;
    }

    private static int Find(IReadOnlyList<string> lines, Regex pattern, int from, out Match match)
    {
        for (int i = from; i < lines.Count; i++)
        {
            match = pattern.Match(lines[i]);
            if (match.Success)
            {
                return i;
            }
        }
        match = Match.Empty;
        return -1;
    }

    /// <summary>The phase of the last checkpoint line from <paramref name="from"/> on, the highest committed
    /// seq, and a C5 violation if any.</summary>
    private static (CheckpointPhase Phase, long? MaxCommitted, string? Problem) FollowProgress(
        IReadOnlyList<string> lines, int from, long recoveredSeq)
    {
        CheckpointPhase phase = CheckpointPhase.Idle;
        long? maxCommitted = null;
        string? problem = null;
        for (int i = from; i < lines.Count; i++)
        {
            Match match = PlugLines.Progress().Match(lines[i]);
            if (!match.Success)
            {
                continue;
            }
            phase = PlugLines.PhaseAfter(match.Groups["what"].Value);
            if (phase != CheckpointPhase.Commit)
            {
                continue;
            }
            long committed = Number(match, "seq");
            long above = Math.Max(recoveredSeq, maxCommitted ?? recoveredSeq);
            if (committed <= above && problem is null)
            {
                problem = $"serial line {i + 1}: committed seq {committed} is not above {above} (recovered {recoveredSeq})";
            }
            maxCommitted = Math.Max(maxCommitted ?? committed, committed);
        }
        return (phase, maxCommitted, problem);
    }

    private static long Number(Match match, string group) =>
        long.Parse(match.Groups[group].Value, NumberStyles.None, CultureInfo.InvariantCulture);
}
