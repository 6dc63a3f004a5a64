using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text.RegularExpressions;

namespace CapOS.Launcher.Plug;

/// <summary>
/// Judges the ring-3 workload of one boot (docs/plug.md "The user workload"), after its <c>checkpoint:
/// recovered</c> line, from the kernel's <c>proc: &lt;pid&gt; resumed root=0x&lt;oid&gt;</c> lines (pid -> root for
/// this boot), its <c>checkpoint: snapshot</c> lines and the processes' <c>user[&lt;pid&gt;]: workload: step=S
/// digest=D</c> lines. A boot fails when:
/// U1 a workload root is not resumed (no resumed line, unless the boot was cut first; or a <c>proc: cannot
/// resume</c> line that does not defer it);
/// U2 a root's first step after recovering seq N is not the step it last printed before N's snapshot plus one
/// (a restart prints step 1, a lost checkpoint an older step: <see cref="ContentsRecord{T}"/> with
/// <see cref="WorkloadSteps"/>), or within the boot a step does not follow the previous one by exactly one;
/// U3 a step's digest differs from one printed for the same (root, step) before (<see cref="DigestBook"/>);
/// U4 a workload process faults (its invariant broken is C1's failure line);
/// U5 the boot ran the liveness limit uncut and some root printed no step;
/// S1 (services workload) a <c>services: FAIL</c> line (C1's failure line);
/// S2 (services workload) the boot ran the liveness limit uncut and no <c>services: audit ok</c> line followed the
/// workload's resumption.
/// Pure, so every rule has a test where it fails (PlugJudgeTests).
/// </summary>
public static class UserWorkloadJudge
{
    /// <summary>Judges <paramref name="lines"/> from <paramref name="recovered"/> (the recovered line's index) on.</summary>
    public static UserVerdict Judge(IReadOnlyList<string> lines, int recovered, long seq, UserExpectation expect, BootFacts facts)
    {
        var pids = new Dictionary<long, ulong>();
        var unresumed = new HashSet<ulong>(expect.Roots);
        var current = new Dictionary<ulong, long>(expect.Steps.For(seq)?.Steps ?? WorkloadSteps.None.Steps);
        var first = new Dictionary<ulong, long>();
        var snapshots = new List<(long, WorkloadSteps)>();
        var digests = new List<(ulong, long, string)>();
        var book = expect.Digests.Copy();
        int settled = unresumed.Count == 0 ? recovered : -1;
        string? failure = null;
        int audit = -1;
        for (int i = recovered + 1; i < lines.Count; i++)
        {
            string line = lines[i];
            Match match;
            if ((match = PlugLines.Resumed().Match(line)).Success)
            {
                ulong root = Root(match);
                pids[PlugJudge.Number(match, "pid")] = root;
                if (unresumed.Remove(root) && unresumed.Count == 0)
                {
                    settled = i;
                }
            }
            else if ((match = PlugLines.CannotResume().Match(line)).Success && expect.Roots.Contains(Root(match)))
            {
                failure ??= At(i, line, "a workload process was not resumed");
            }
            else if ((match = PlugLines.Snapshot().Match(line)).Success)
            {
                snapshots.Add((PlugJudge.Number(match, "seq"), WorkloadSteps.Of(current)));
            }
            else if ((match = PlugLines.ProcessFault().Match(line)).Success && pids.ContainsKey(PlugJudge.Number(match, "pid")))
            {
                failure ??= At(i, line, "a workload process faulted");
            }
            else if ((match = PlugLines.WorkloadStep().Match(line)).Success)
            {
                failure ??= Step(i, line, match, pids, current, first, book, digests);
            }
            else if (PlugLines.ServicesAudit().IsMatch(line))
            {
                audit = i;
            }
        }
        var resumed = WorkloadSteps.Of(first);
        if (settled < 0 && !facts.Cut)
        {
            failure ??= string.Create(CultureInfo.InvariantCulture,
                $"process root=0x{unresumed.Min():x} was not resumed (no 'proc: <pid> resumed root=0x{unresumed.Min():x}' line after recovery)");
        }
        failure ??= expect.Steps.Check(seq, resumed);
        if (facts.RanLiveness && settled >= 0 && expect.Roots.FirstOrDefault(r => !first.ContainsKey(r)) is ulong idle and not 0)
        {
            failure ??= string.Create(CultureInfo.InvariantCulture,
                $"process root=0x{idle:x} printed no step within the liveness limit after recovery");
        }
        if (expect.Audits && facts.RanLiveness && settled >= 0 && audit < settled)
        {
            failure ??= "no bank audit ('services: audit ok') after the workload resumed, within the liveness limit (S2)";
        }
        return new UserVerdict(settled, resumed, snapshots, digests, failure);
    }

    /// <summary>One step line: U2 within the boot, U3; records the step.</summary>
    private static string? Step(int i, string line, Match match, Dictionary<long, ulong> pids, Dictionary<ulong, long> current,
        Dictionary<ulong, long> first, DigestBook book, List<(ulong, long, string)> digests)
    {
        if (!pids.TryGetValue(PlugJudge.Number(match, "pid"), out ulong root))
        {
            return At(i, line, "a workload line from a process no 'proc: <pid> resumed' line named");
        }
        long step = PlugJudge.Number(match, "step");
        string digest = match.Groups["digest"].Value;
        string? problem = null;
        if (first.ContainsKey(root) && step != current[root] + 1)
        {
            problem = At(i, line, string.Create(CultureInfo.InvariantCulture, $"step {step} follows step {current[root]} in one boot"));
        }
        first.TryAdd(root, step - 1);
        current[root] = step;
        problem ??= book.Check(root, step, digest) is string differs ? At(i, line, differs) : null;
        book.Add(root, step, digest);
        digests.Add((root, step, digest));
        return problem;
    }

    private static ulong Root(Match match) => ulong.Parse(match.Groups["root"].Value, NumberStyles.HexNumber, CultureInfo.InvariantCulture);

    private static string At(int index, string line, string why) =>
        string.Create(CultureInfo.InvariantCulture, $"serial line {index + 1}: {line}: {why}");
}
