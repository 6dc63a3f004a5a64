using System;
using System.Linq;
using CapOS.Launcher.Plug;
using Xunit;

namespace CapOS.Launcher.Tests.Plug;

public class PlugPlannerTests
{
    [Fact]
    public void PlansAreAFunctionOfSeedAndCycle()
    {
        CyclePlan[] first = [.. Enumerable.Range(1, 50).Select(c => PlugPlanner.Plan(9, c, PlugMode.Mixed, 100))];
        CyclePlan[] again = [.. Enumerable.Range(1, 50).Select(c => PlugPlanner.Plan(9, c, PlugMode.Mixed, 100))];
        CyclePlan[] other = [.. Enumerable.Range(1, 50).Select(c => PlugPlanner.Plan(10, c, PlugMode.Mixed, 100))];

        Assert.Equal(first, again);
        Assert.NotEqual(first, other);
    }

    [Fact]
    public void AFixedSeedGivesAFixedFirstPlan() =>
        // Pins the generator and the order of draws: a change here changes every campaign's instants.
        Assert.Equal("kill: cut 8.883 ms after stabilize starts", PlugPlanner.Plan(1, 1, PlugMode.Kill, 100).Describe());

    [Fact]
    public void MixedCampaignsUseEveryModeAndTimedCutsTargetEveryPhase()
    {
        CyclePlan[] plans = [.. Enumerable.Range(1, 400).Select(c => PlugPlanner.Plan(3, c, PlugMode.Mixed, 100))];

        Assert.Equal([PlugMode.Kill, PlugMode.Power, PlugMode.Write], plans.Select(p => p.Mode).Distinct().Order());
        Assert.Equal([CheckpointPhase.Snapshot, CheckpointPhase.Stabilize, CheckpointPhase.Commit, CheckpointPhase.Migrate],
            plans.Where(p => p.Kind == CutKind.AfterPhase).Select(p => p.Target).Distinct().Order());
        Assert.Contains(plans, p => p.Kind == CutKind.AfterDelay);
        Assert.Contains(plans, p => p.Kind == CutKind.AfterPhase && p.Delay == TimeSpan.Zero);
        Assert.InRange(plans.Count(p => p.Kind == CutKind.AfterPhase) / (double)plans.Count(p => p.Mode != PlugMode.Write), 0.4, 0.6);
    }

    [Fact]
    public void DrawsStayInTheirRanges()
    {
        foreach (CyclePlan plan in Enumerable.Range(1, 300).Select(c => PlugPlanner.Plan(5, c, PlugMode.Mixed, 40)))
        {
            switch (plan.Kind)
            {
                case CutKind.AfterDelay:
                    Assert.InRange(plan.Delay, TimeSpan.Zero, TimeSpan.FromMilliseconds(160));
                    break;
                case CutKind.AfterPhase:
                    Assert.InRange(plan.Delay, TimeSpan.Zero, TimeSpan.FromMilliseconds(10));
                    break;
                default:
                    Assert.Equal(PlugMode.Write, plan.Mode);
                    Assert.InRange(plan.WriteNumber, 1, PlugPlanner.MaxWriteNumber);
                    Assert.Equal(PlugPlanner.LivenessLimit(40), plan.Delay);
                    Assert.NotEqual(WriteFault.None, plan.Fault);
                    break;
            }
        }
    }

    [Fact]
    public void ASingleModeIsKept() =>
        Assert.All(Enumerable.Range(1, 50).Select(c => PlugPlanner.Plan(2, c, PlugMode.Power, 100)),
            p => Assert.Equal(PlugMode.Power, p.Mode));
}
