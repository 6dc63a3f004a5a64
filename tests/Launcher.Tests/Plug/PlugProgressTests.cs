using System.IO;
using CapOS.Launcher.Plug;
using Xunit;

namespace CapOS.Launcher.Tests.Plug;

public class PlugProgressTests
{
    [Fact]
    public void PlainOutputIsOneLinePerCycle()
    {
        var output = new StringWriter { NewLine = "\n" };
        var progress = new PlugProgress(output, interactive: false);
        var summary = new PlugSummary(PlugSummaryTests.Settings(1, PlugMode.Kill, 2), 0);
        CycleResult first = PlugSummaryTests.Cycle(1, PlugMode.Kill, CutKind.AfterDelay, 3, CheckpointPhase.Commit, 4, 10);
        summary.Add(first);

        progress.Report(first, summary);
        progress.Finish();

        Assert.Equal("plug: cycle 1/2 kill: cut 2.000 ms after recovery; recovered seq 3; cut in commit; floor 4; ok\n", output.ToString());
        Assert.DoesNotContain("\r", output.ToString());
    }

    [Fact]
    public void ATerminalGetsOneRewrittenLine()
    {
        var output = new StringWriter { NewLine = "\n" };
        var progress = new PlugProgress(output, interactive: true);
        var summary = new PlugSummary(PlugSummaryTests.Settings(1, PlugMode.Kill, 4), 0);
        CycleResult first = PlugSummaryTests.Cycle(1, PlugMode.Kill, CutKind.AfterDelay, 12, CheckpointPhase.Stabilize, 12, 10);
        CycleResult second = PlugSummaryTests.Cycle(2, PlugMode.Kill, CutKind.AfterDelay, 3, CheckpointPhase.Idle, 12, 10, "bad");

        summary.Add(first);
        progress.Report(first, summary);
        summary.Add(second);
        progress.Report(second, summary);
        progress.Finish();

        string[] frames = output.ToString().Split('\r', System.StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(2, frames.Length);
        Assert.Equal("[######..................] 1/4 seq 12 floor 12 last cut stabilize failures 0", frames[0]);
        Assert.StartsWith("[############............] 2/4 seq 3 floor 12 last cut idle failures 1", frames[1]);
        Assert.EndsWith("\n", frames[1]);
        Assert.Equal(frames[0].Length, frames[1].TrimEnd('\n').Length);
    }
}
