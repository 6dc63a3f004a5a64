using System;
using System.Collections.Generic;
using System.Linq;
using CapOS.Launcher.Plug;
using Xunit;

namespace CapOS.Launcher.Tests.Plug;

/// <summary>
/// The user workload's checks (U1-U5, docs/plug.md "The user workload") through <see cref="PlugJudge"/>, each with a
/// synthesized log where it fails: a restart, a lost step, a digest mismatch, a missing resume, a broken
/// invariant, a faulted or idle process; and a log that passes.
/// </summary>
public class UserWorkloadJudgeTests
{
    private const ulong A = 0x1000;
    private const ulong B = 0x100f;

    private static readonly BootFacts Cut = new(Cut: true);

    /// <summary>Seq 7's snapshot came after A's step 40 and B's step 12; both digests of those steps are known.</summary>
    private static UserExpectation Expect()
    {
        var steps = new ContentsRecord<WorkloadSteps>();
        steps.Recovered(6, WorkloadSteps.Of(new Dictionary<ulong, long> { [A] = 30, [B] = 10 }));
        steps.Snapshot(7, WorkloadSteps.Of(new Dictionary<ulong, long> { [A] = 40, [B] = 12 }));
        var digests = new DigestBook();
        digests.Add(A, 41, Digest(A, 41));
        digests.Add(B, 13, Digest(B, 13));
        return new UserExpectation([A, B], steps, digests);
    }

    private static string Digest(ulong root, long step) => $"{root ^ (ulong)step * 0x9E3779B9:x16}";

    private static string Step(int pid, ulong root, long step) => $"user[{pid}]: workload: step={step} digest={Digest(root, step)}";

    /// <summary>A boot of seq 7: both processes resumed, a few steps each, a checkpoint taken and committed.</summary>
    private static List<string> Boot() =>
    [
        "CapOS 0.1 x86-64",
        "checkpoint: recovered seq=7 slot=1 log-objects=0 restart=2",
        "timer: tick=15",
        $"proc: 1 resumed root=0x{A:x} state=running pc=0x400930",
        $"proc: 2 resumed root=0x{B:x} state=running pc=0x400d09",
        "checkpoint: snapshot seq=8 dirty=1 pause-us=300",
        "checkpoint: stabilize seq=8",
        Step(1, A, 41),
        Step(2, B, 13),
        Step(1, A, 42),
        "checkpoint: committed seq=8 images=2 log-pages=3 cow=0",
        "checkpoint: snapshot seq=9 dirty=20 pause-us=300",
        Step(2, B, 14),
        "checkpoint: stabilize seq=9",
    ];

    private static CycleVerdict Judge(IReadOnlyList<string> lines, BootFacts? facts = null, UserExpectation? user = null) =>
        PlugJudge.Judge(lines, new BootExpectation(7, new ContentsRecord<MutatorContents>(), User: user ?? Expect()), facts ?? Cut);

    private static List<string> Replace(string old, string replacement) =>
        [.. Boot().Select(l => l == old ? replacement : l)];

    [Fact]
    public void AResumedBootPassesAndRecordsItsSteps()
    {
        CycleVerdict verdict = Judge(Boot());

        Assert.Null(verdict.Failure);
        Assert.True(verdict.RecoveryComplete);
        Assert.False(verdict.CutDuringRecovery);
        Assert.True(verdict.ContentsJudged);
        Assert.Equal(WorkloadSteps.Of(new Dictionary<ulong, long> { [A] = 40, [B] = 12 }), verdict.User!.Resumed);
        Assert.Equal([8L, 9], verdict.User.Snapshots.Select(s => s.Seq));
        Assert.Equal(WorkloadSteps.Of(new Dictionary<ulong, long> { [A] = 40, [B] = 12 }), verdict.User.Snapshots[0].Steps);
        Assert.Equal(WorkloadSteps.Of(new Dictionary<ulong, long> { [A] = 42, [B] = 13 }), verdict.User.Snapshots[1].Steps);
        Assert.Equal(4, verdict.User.Digests.Count);
    }

    // U2
    [Fact]
    public void ARestartedProcessFails() =>
        Assert.Equal("process root=0x1000 printed step 1 first after recovering seq 7, but that checkpoint's snapshot came after its step 40: restarted, not resumed",
            Judge(Replace(Step(1, A, 41), Step(1, A, 1)).Where(l => l != Step(1, A, 42)).ToList()).Failure);

    [Fact]
    public void AProcessThatLostStepsFails() =>
        Assert.EndsWith("but that checkpoint's snapshot came after its step 12: it went back: a checkpoint's work was lost",
            Judge([.. Boot().Select(l => l == Step(2, B, 13) ? Step(2, B, 11) : l == Step(2, B, 14) ? Step(2, B, 12) : l)]).Failure);

    [Fact]
    public void AStepThatDoesNotFollowThePreviousOneFails() =>
        Assert.Equal($"serial line 10: {Step(1, A, 43)}: step 43 follows step 41 in one boot",
            Judge(Replace(Step(1, A, 42), Step(1, A, 43))).Failure);

    [Fact]
    public void ARecoveryOfASeqNoBootSnapshottedFails()
    {
        UserExpectation user = Expect();
        var steps = new ContentsRecord<WorkloadSteps>();
        steps.Recovered(6, WorkloadSteps.Of(new Dictionary<ulong, long> { [A] = 30 }));

        Assert.StartsWith("recovered seq 7 (0x1000 after step 40, 0x100f after step 12), a checkpoint no earlier boot snapshotted",
            Judge(Boot(), user: user with { Steps = steps }).Failure);
    }

    // U3
    [Fact]
    public void ADigestThatDiffersFromAnEarlierOneFails() =>
        Assert.Equal($"serial line 9: user[2]: workload: step=13 digest=00000000deadbeef: process root=0x100f printed digest 00000000deadbeef for step 13, but an earlier line printed {Digest(B, 13)} for that step",
            Judge(Replace(Step(2, B, 13), "user[2]: workload: step=13 digest=00000000deadbeef")).Failure);

    [Fact]
    public void DigestsAreRecordedAndComparedWithinTheBootToo()
    {
        var first = Judge(Boot());
        var book = new DigestBook();
        foreach ((ulong root, long step, string digest) in first.User!.Digests)
        {
            book.Add(root, step, digest);
        }

        Assert.Null(book.Check(A, 42, Digest(A, 42)));
        Assert.NotNull(book.Check(A, 42, Digest(A, 43)));
    }

    // U1
    [Fact]
    public void AProcessThatIsNeverResumedFails()
    {
        List<string> lines = [.. Boot().Where(l => !l.StartsWith("proc: 2 ", StringComparison.Ordinal) && !l.StartsWith("user[2]", StringComparison.Ordinal))];

        Assert.Equal("process root=0x100f was not resumed (no 'proc: <pid> resumed root=0x100f' line after recovery)",
            Judge(lines, new BootFacts(Cut: false)).Failure);
        Assert.False(Judge(lines, new BootFacts(Cut: false)).RecoveryComplete);
        Assert.True(Judge(lines).CutDuringRecovery);
        Assert.Null(Judge(lines).Failure);
    }

    [Fact]
    public void AProcessThatCannotBeResumedFailsUnlessItIsDeferred()
    {
        string lost = $"proc: cannot resume root=0x{B:x}: rescinded";
        string deferred = $"proc: cannot resume root=0x{B:x}: no free entry; it stays on the restart list and is loaded later";

        Assert.Equal($"serial line 5: {lost}: a workload process was not resumed", Judge(Replace($"proc: 2 resumed root=0x{B:x} state=running pc=0x400d09", lost)).Failure);
        List<string> later = Replace($"proc: 2 resumed root=0x{B:x} state=running pc=0x400d09", deferred);
        later.Insert(8, $"proc: 2 resumed root=0x{B:x} state=running pc=0x400d09");
        Assert.Null(Judge(later).Failure);
    }

    [Fact]
    public void AStepLineFromAnUnresumedPidFails() =>
        Assert.Equal("serial line 9: user[5]: workload: step=13 digest=" + Digest(B, 13) + ": a workload line from a process no 'proc: <pid> resumed' line named",
            Judge(Replace(Step(2, B, 13), "user[5]: workload: step=13 digest=" + Digest(B, 13))).Failure);

    // U4 and C1
    [Fact]
    public void ABrokenInvariantFails()
    {
        string broken = "user[1]: workload: invariant broken: page contents page=17 step=41";

        Assert.Equal($"serial line 10: {broken}", Judge(Replace(Step(1, A, 42), broken)).Failure);
    }

    [Fact]
    public void AWorkloadProcessFaultFails()
    {
        string fault = "fault: process 2 root=0x100f invalid address 0xdead0000 (write) pc=0x400100; parked";

        Assert.Equal($"serial line 13: {fault}: a workload process faulted", Judge(Replace(Step(2, B, 14), fault)).Failure);
    }

    // U5
    [Fact]
    public void AProcessThatNeverStepsFailsOnceTheLivenessLimitRanOut()
    {
        List<string> lines = [.. Boot().Where(l => !l.StartsWith("user[2]", StringComparison.Ordinal))];

        Assert.Null(Judge(lines).Failure);
        Assert.Equal("process root=0x100f printed no step within the liveness limit after recovery",
            Judge(lines, new BootFacts(Cut: true, MustCommit: true, RanLiveness: true)).Failure);
        Assert.Null(Judge(Boot(), new BootFacts(Cut: true, MustCommit: true, RanLiveness: true)).Failure);
    }

    [Fact]
    public void RecoverySettlesOnceEveryWorkloadProcessIsResumed()
    {
        var expect = new BootExpectation(7, new ContentsRecord<MutatorContents>(), User: Expect());

        Assert.False(PlugJudge.Settled(Boot()[..4], expect));
        Assert.True(PlugJudge.Settled(Boot()[..5], expect));
        Assert.True(PlugJudge.Settled(["PANIC: x"], expect));
        Assert.False(PlugJudge.Recovered(["PANIC: x"], expect));
    }

    [Fact]
    public void TheStepRecordMergesWhatARecoveryShowsAndForgetsWhatIsAbove()
    {
        var record = new ContentsRecord<WorkloadSteps>();
        record.Recovered(1, WorkloadSteps.Of(new Dictionary<ulong, long> { [A] = 0 }));
        record.Snapshot(2, WorkloadSteps.Of(new Dictionary<ulong, long> { [A] = 5, [B] = 3 }));
        record.Recovered(1, WorkloadSteps.Of(new Dictionary<ulong, long> { [B] = 0 }));

        Assert.Null(record.For(2));
        Assert.Equal(WorkloadSteps.Of(new Dictionary<ulong, long> { [A] = 0, [B] = 0 }), record.For(1));
        Assert.NotNull(record.Check(1, WorkloadSteps.Of(new Dictionary<ulong, long> { [B] = 4 })));
    }
}
