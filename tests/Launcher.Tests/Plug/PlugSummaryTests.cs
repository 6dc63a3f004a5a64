using System;
using CapOS.Harness;
using CapOS.Launcher.Plug;
using Xunit;

namespace CapOS.Launcher.Tests.Plug;

public class PlugSummaryTests
{
    internal static PlugSettings Settings(ulong seed, PlugMode mode, int cycles) =>
        new(cycles, seed, mode, "/mutator.img", "/keep", 100, TimeSpan.FromSeconds(60), Workload: PlugWorkload.Kernel);

    internal static CycleVerdict Verdict(long? seq, CheckpointPhase phase, string? failure = null, bool cutInRecovery = false,
        bool stopped = false) =>
        new(true, seq, seq is null ? null : new MutatorContents(1, "00000000000000aa"), [], phase, null, cutInRecovery, stopped, 0, failure);

    internal static CycleResult Cycle(int cycle, PlugMode mode, CutKind kind, long? seq, CheckpointPhase phase, long floor,
        double? bootMs, string? failure = null, bool reached = false, bool errorHit = false,
        WriteFault fault = WriteFault.None, bool cutInRecovery = false) =>
        new(new CyclePlan(cycle, mode, kind, CheckpointPhase.Stabilize, TimeSpan.FromMilliseconds(2), 7, 0, fault),
            Verdict(seq, phase, failure, cutInRecovery),
            bootMs is null ? null : TimeSpan.FromMilliseconds(bootMs.Value), reached, errorHit)
        {
            FloorAfter = floor,
        };

    [Fact]
    public void RendersTheTotals()
    {
        var summary = new PlugSummary(Settings(42, PlugMode.Mixed, 5), initialFloor: 1);
        summary.Add(Cycle(1, PlugMode.Kill, CutKind.AfterDelay, 1, CheckpointPhase.Idle, 2, 800, cutInRecovery: true));
        summary.Add(Cycle(2, PlugMode.Power, CutKind.AfterPhase, 2, CheckpointPhase.Stabilize, 3, 900, reached: true) with
        {
            States =
            [
                new StateResult(0, new CrashPlan(4, 9, 2, [new CrashWrite(6, [0])]), "", CheckpointPhase.Stabilize, 3, null),
                new StateResult(1, new CrashPlan(2, 3, 1, []), "", CheckpointPhase.Commit, 2, Verdict(2, CheckpointPhase.Commit)),
            ],
        });
        summary.Add(Cycle(3, PlugMode.Write, CutKind.AtWrite, 3, CheckpointPhase.Migrate, 4, 1000, errorHit: true, fault: WriteFault.Persistent));
        summary.Add(Cycle(4, PlugMode.Kill, CutKind.AfterPhase, 2, CheckpointPhase.Snapshot, 4, 700, "recovered seq 2 is below the floor 4"));

        Assert.Equal(1, summary.Failures);
        Assert.Equal(3, summary.Recoveries);
        Assert.Equal(4, summary.Floor);
        Assert.False(summary.Passed);
        Assert.Equal(
            """
            plug summary: seed 42, mode mixed
              cycles             4 of 5; last recovery not run
              cuts by mode       kill 2  power 1  write 1
              cuts by phase      idle 1  snapshot 1  stabilize 1  commit 0  migrate 1
              cuts in recovery   1 (before the first commit after recovery; judged by the next boot)
              timed cuts         2 (1 reached their phase line)
              recoveries         3
              failures           1
              recovered seq      min 1  max 3
              seq floor          4 (newest valid header on the working disk)
              contents           4 recoveries held their snapshot's (step, digest)
              copy-on-write      0 copies while stabilizing (committed lines' cow=)
              crash states       2 (1 booted beside the working disk); 1 with a non-empty tail, 1 with a torn write
              states by phase    idle 0  stabilize 1  commit 1  migrate 0
              write errors hit   transient 0 of 0  persistent 1 of 1; checkpointing stopped 0
              boot to recovered  mean 850.0 ms

            """.Replace("\r", "", StringComparison.Ordinal),
            summary.Render());
    }

    [Fact]
    public void TheLastRecoveryCountsAndPasses()
    {
        var summary = new PlugSummary(Settings(1, PlugMode.Kill, 1), initialFloor: 1);
        summary.Add(Cycle(1, PlugMode.Kill, CutKind.AfterDelay, 1, CheckpointPhase.Idle, 3, 100));
        Assert.False(summary.Passed);

        summary.AddLast(Cycle(2, PlugMode.Kill, CutKind.AfterDelay, 3, CheckpointPhase.Migrate, 3, 100));

        Assert.True(summary.Passed);
        Assert.Equal(2, summary.Recoveries);
        Assert.Contains("cycles             1 of 1; last recovery ok", summary.Render(), StringComparison.Ordinal);
        Assert.Contains("recovered seq      min 1  max 3", summary.Render(), StringComparison.Ordinal);
    }

    [Fact]
    public void AnEmptyCampaignSaysNone()
    {
        string text = new PlugSummary(Settings(1, PlugMode.Kill, 3), 0).Render();

        Assert.Contains("recovered seq      none", text, StringComparison.Ordinal);
        Assert.Contains("boot to recovered  none", text, StringComparison.Ordinal);
        Assert.DoesNotContain("write errors", text, StringComparison.Ordinal);
        Assert.DoesNotContain("crash states", text, StringComparison.Ordinal);
    }
}
