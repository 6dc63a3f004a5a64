using System;
using CapOS.Launcher.Plug;
using Xunit;

namespace CapOS.Launcher.Tests.Plug;

public class PlugSummaryTests
{
    internal static CycleResult Cycle(int cycle, PlugMode mode, CutKind kind, long? seq, CheckpointPhase phase, long floor,
        double? bootMs, string? failure = null, bool reached = false, bool writeFailed = false) =>
        new(new CyclePlan(cycle, mode, kind, CheckpointPhase.Stabilize, TimeSpan.FromMilliseconds(2), 7, 0),
            new CycleVerdict(true, seq, 1, phase, null, floor, failure),
            bootMs is null ? null : TimeSpan.FromMilliseconds(bootMs.Value), reached, writeFailed, null);

    [Fact]
    public void RendersTheTotals()
    {
        var summary = new PlugSummary(42, PlugMode.Mixed, 5, initialFloor: 0);
        summary.Add(Cycle(1, PlugMode.Kill, CutKind.AfterDelay, 1, CheckpointPhase.Idle, 2, 800));
        summary.Add(Cycle(2, PlugMode.Power, CutKind.AfterPhase, 2, CheckpointPhase.Stabilize, 3, 900, reached: true));
        summary.Add(Cycle(3, PlugMode.Write, CutKind.AtWrite, 3, CheckpointPhase.Migrate, 4, 1000, writeFailed: true));
        summary.Add(Cycle(4, PlugMode.Kill, CutKind.AfterPhase, 2, CheckpointPhase.Snapshot, 4, 700, "recovered seq 2 is below the floor 4"));

        Assert.Equal(1, summary.Failures);
        Assert.Equal(3, summary.Recoveries);
        Assert.Equal(4, summary.Floor);
        Assert.Equal(
            """
            plug summary: seed 42, mode mixed
              cycles             4 of 5
              cuts by mode       kill 2  power 1  write 1
              cuts by phase      idle 1  snapshot 1  stabilize 1  commit 0  migrate 1
              timed cuts         2 (1 reached their phase line)
              recoveries         3
              failures           1
              recovered seq      min 1  max 3
              seq floor          4
              boot to recovered  mean 850.0 ms
              write errors hit   1 of 1

            """.Replace("\r", "", StringComparison.Ordinal),
            summary.Render());
    }

    [Fact]
    public void AnEmptyCampaignSaysNone()
    {
        string text = new PlugSummary(1, PlugMode.Kill, 3, 0).Render();

        Assert.Contains("recovered seq      none", text);
        Assert.Contains("boot to recovered  none", text);
        Assert.DoesNotContain("write errors", text);
    }
}
