using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text.RegularExpressions;

namespace CapOS.Launcher.Plug;

/// <summary>
/// Judges one boot of the campaign from its serial lines, against what the campaign knew before it (the exact
/// floor, the contents record, the injected write error) and what the harness saw of it (docs/plug.md,
/// "Invariants"). Pure, so every rule has a test where it fails (PlugJudgeTests). A boot fails when:
/// C1 any failure line appears, before or after recovery;
/// C2 it was not cut and shows no <c>checkpoint: recovered</c> line, or no <c>mutator: recovered</c> line
/// after it (kernel workload), or some workload process not resumed after it (user workload, U1) (a boot the
/// harness cut before those lines was cut during recovery: not a failure);
/// C3 the recovered seq is not the newest valid header on the disk it booted from: below it a durable
/// checkpoint was lost, above it the kernel recovered a header the disk does not hold;
/// C4 the mutator's recovered (step, digest) is not the one recorded for that seq, the K2 line has no digest,
/// or a snapshot line has no <c>mutator: snapshot</c> line before the next checkpoint line (contract K1);
/// for the user workload, <see cref="UserWorkloadJudge"/>'s U1-U5;
/// C5 a <c>committed</c> seq is not above the recovered seq and every earlier committed seq (a reused seq);
/// C6 the boot ran the liveness limit past its recovery without being cut and committed nothing after it;
/// C7/C8 the write-error rules of <see cref="WriteFaultJudge"/>.
/// C9 (a committed seq missing from the disk after the cut) is <see cref="JudgeCut"/>.
/// </summary>
public static class PlugJudge
{
    /// <summary>Judges <paramref name="lines"/> (one boot, from its first line).</summary>
    public static CycleVerdict Judge(IReadOnlyList<string> lines, BootExpectation expect, BootFacts facts)
    {
        string? failure = FirstFailureLine(lines);
        int recovered = Find(lines, PlugLines.Recovered(), 0, out Match recoveredMatch);
        long? seq = recovered < 0 ? null : Number(recoveredMatch, "seq");
        UserVerdict? user = recovered >= 0 && expect.User is { } userExpect
            ? UserWorkloadJudge.Judge(lines, recovered, seq!.Value, userExpect, facts) : null;
        Match mutatorMatch = Match.Empty;
        int mutator = recovered < 0 || expect.User is not null ? -1 : Find(lines, PlugLines.MutatorRecovered(), recovered + 1, out mutatorMatch);
        MutatorContents? contents = mutator < 0 ? null
            : new MutatorContents(Number(mutatorMatch, "step"), mutatorMatch.Groups["digest"].Value);
        int settled = expect.User is null ? mutator : user?.Settled ?? -1;
        (CheckpointPhase phase, long? maxCommitted, int firstCommit, string? orderProblem) =
            recovered < 0 ? (CheckpointPhase.Idle, null, -1, null) : FollowProgress(lines, recovered + 1, seq!.Value);
        (List<(long, MutatorContents)> snapshots, string? snapshotProblem) =
            expect.User is null ? Snapshots(lines) : ([], null);
        bool complete = failure is not null || settled >= 0;
        bool cutDuringRecovery = facts.Cut && (settled < 0 || firstCommit < 0);
        failure ??= recovered < 0 ? (facts.Cut ? null : "no 'checkpoint: recovered' line")
            : seq < expect.Floor ? $"recovered seq {seq} is below the floor {expect.Floor} (the newest valid header on the disk it booted from): a durable checkpoint was lost"
            : seq > expect.Floor ? $"recovered seq {seq}, but the newest valid header on the disk it booted from is {expect.Floor}"
            : settled < 0 && expect.User is null ? (facts.Cut ? null : "no 'mutator: recovered' line after the checkpoint's")
            : null;
        if (failure is null && expect.CheckContents)
        {
            failure = user is not null ? user.Failure
                : mutator >= 0 && contents!.Digest.Length == 0
                ? $"serial line {mutator + 1}: the mutator's recovered line has no digest (contract K2)"
                : mutator >= 0 ? expect.Record.Check(seq!.Value, contents!) : null;
            failure ??= snapshotProblem;
        }
        failure ??= orderProblem;
        failure ??= WriteFaultJudge.Judge(lines, expect.Fault, facts, settled);
        if (failure is null && facts.MustCommit && settled >= 0 && firstCommit < 0 && !Any(lines, PlugLines.Stopped()))
        {
            failure = $"recovered seq {seq} and ran the liveness limit without committing a checkpoint";
        }
        return new CycleVerdict(complete, seq, contents, snapshots, phase, maxCommitted, cutDuringRecovery,
            Any(lines, PlugLines.Stopped()), lines.Count(l => PlugLines.WriteError().IsMatch(l)), failure,
            lines.Select(l => PlugLines.CommittedCow().Match(l)).Where(m => m.Success).Sum(m => Number(m, "cow")), user);
    }

    /// <summary>C9: every checkpoint the boot announced as committed must be on the disk after the cut
    /// (<paramref name="diskNewest"/>: the newest valid header there). Null if it holds.</summary>
    public static string? JudgeCut(CycleVerdict verdict, long diskNewest) =>
        verdict.MaxCommitted is long committed && committed > diskNewest
            ? string.Create(CultureInfo.InvariantCulture,
                $"the boot printed 'committed seq={committed}', but the newest valid header on the disk after the cut is {diskNewest}")
            : null;

    /// <summary>True once <paramref name="lines"/> settle recovery: a failure line, or the workload's recovery (the
    /// mutator's line; every workload process resumed).</summary>
    public static bool Settled(IReadOnlyList<string> lines, BootExpectation expect) =>
        lines.Any(PlugLines.Failure().IsMatch) || Recovered(lines, expect);

    /// <summary>True once the workload recovered: the mutator's recovered line, or a resumed line for every
    /// workload process after the recovered line (U1).</summary>
    public static bool Recovered(IReadOnlyList<string> lines, BootExpectation expect)
    {
        if (expect.User is null)
        {
            return lines.Any(PlugLines.MutatorRecovered().IsMatch);
        }
        int recovered = Find(lines, PlugLines.Recovered(), 0, out _);
        var roots = new HashSet<ulong>(expect.User.Roots);
        for (int i = recovered < 0 ? lines.Count : recovered + 1; i < lines.Count && roots.Count > 0; i++)
        {
            Match resumed = PlugLines.Resumed().Match(lines[i]);
            if (resumed.Success)
            {
                roots.Remove(ulong.Parse(resumed.Groups["root"].Value, NumberStyles.HexNumber, CultureInfo.InvariantCulture));
            }
        }
        return recovered >= 0 && roots.Count == 0;
    }

    /// <summary>The index of the first line at or after <paramref name="from"/> that matches, or -1.</summary>
    internal static int Find(IReadOnlyList<string> lines, Regex pattern, int from, out Match match)
    {
        for (int i = Math.Max(0, from); i < lines.Count; i++)
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

    internal static bool Any(IReadOnlyList<string> lines, Regex pattern) => lines.Any(pattern.IsMatch);

    private static string? FirstFailureLine(IReadOnlyList<string> lines)
    {
        int i = Find(lines, PlugLines.Failure(), 0, out _);
        return i < 0 ? null : string.Create(CultureInfo.InvariantCulture, $"serial line {i + 1}: {lines[i]}");
    }

    /// <summary>Every mutator snapshot line, and a K1 violation: a snapshot line followed by another checkpoint
    /// line with no <c>mutator: snapshot</c> line of its seq in between.</summary>
    private static (List<(long, MutatorContents)>, string?) Snapshots(IReadOnlyList<string> lines)
    {
        var snapshots = new List<(long, MutatorContents)>();
        string? problem = null;
        (long Seq, int Line)? open = null;
        for (int i = 0; i < lines.Count; i++)
        {
            Match mutator = PlugLines.MutatorSnapshot().Match(lines[i]);
            if (mutator.Success)
            {
                long seq = Number(mutator, "seq");
                snapshots.Add((seq, new MutatorContents(Number(mutator, "step"), mutator.Groups["digest"].Value)));
                if (open?.Seq == seq)
                {
                    open = null;
                }
                continue;
            }
            if (!PlugLines.AnyCheckpointLine().IsMatch(lines[i]))
            {
                continue;
            }
            if (open is { } missing && problem is null)
            {
                problem = string.Create(CultureInfo.InvariantCulture,
                    $"serial line {missing.Line + 1}: snapshot seq={missing.Seq} has no 'mutator: snapshot seq={missing.Seq}' line before the next checkpoint line (contract K1)");
            }
            Match progress = PlugLines.Progress().Match(lines[i]);
            open = progress.Success && progress.Groups["what"].Value == "snapshot" ? (Number(progress, "seq"), i) : null;
        }
        return (snapshots, problem);
    }

    /// <summary>The phase of the last checkpoint line from <paramref name="from"/> on, the highest committed
    /// seq, the first committed line, and a C5 violation if any.</summary>
    private static (CheckpointPhase Phase, long? MaxCommitted, int FirstCommit, string? Problem) FollowProgress(
        IReadOnlyList<string> lines, int from, long recoveredSeq)
    {
        CheckpointPhase phase = CheckpointPhase.Idle;
        long? maxCommitted = null;
        int first = -1;
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
            first = first < 0 ? i : first;
            long committed = Number(match, "seq");
            long above = Math.Max(recoveredSeq, maxCommitted ?? recoveredSeq);
            if (committed <= above && problem is null)
            {
                problem = $"serial line {i + 1}: committed seq {committed} is not above {above} (recovered {recoveredSeq})";
            }
            maxCommitted = Math.Max(maxCommitted ?? committed, committed);
        }
        return (phase, maxCommitted, first, problem);
    }

    internal static long Number(Match match, string group) =>
        long.Parse(match.Groups[group].Value, NumberStyles.None, CultureInfo.InvariantCulture);
}
