extern alias Launcher;

using System;
using System.IO;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using CapOS.Harness;
using Launcher::CapOS.Launcher.Plug;
using Xunit;
using Xunit.Abstractions;

namespace CapOS.SystemTests;

/// <summary>
/// A short pull-the-plug campaign against the real kernel, run through <see cref="PlugCampaign"/> exactly as
/// <c>./capos plug</c> runs it (docs/plug.md), over a temporary copy of artifacts/images/plug.img: every cycle must
/// recover exactly the newest header on its disk, resume every ring-3 workload process at the step after the one
/// it printed before the recovered snapshot, with equal digests, and the last cut is judged by one more boot that
/// must commit (issues #4, #9 and #10: the test command runs a short plug campaign of the user workload).
/// </summary>
public sealed class PlugTests(ITestOutputHelper output)
{
    /// <summary>Chosen so that 10 mixed cycles draw kill, power and write, and cut right after a stabilize and a
    /// migrate line (<see cref="FixedSeedDrawsEveryModeAndTheMiddlePhases"/> holds it to that).</summary>
    private const ulong Seed = 49;
    private const int Cycles = 10;
    private const int IntervalMs = 50;

    private static readonly RepositoryLayout Layout = RepositoryLayout.Locate();

    [Fact]
    public void FixedSeedDrawsEveryModeAndTheMiddlePhases()
    {
        var plans = Enumerable.Range(1, Cycles).Select(c => PlugPlanner.Plan(Seed, c, PlugMode.Mixed, IntervalMs)).ToList();
        foreach (PlugMode mode in new[] { PlugMode.Kill, PlugMode.Power, PlugMode.Write })
        {
            Assert.Contains(plans, p => p.Mode == mode);
        }

        foreach (CheckpointPhase phase in new[] { CheckpointPhase.Stabilize, CheckpointPhase.Migrate })
        {
            Assert.Contains(plans, p => p.Kind == CutKind.AfterPhase && p.Target == phase && p.Delay == TimeSpan.Zero && p.Mode != PlugMode.Write);
        }
    }

    [Fact]
    public async Task MixedCampaignRecoversEveryCycle()
    {
        string image = ScratchDisk.ArtifactImage(PlugWorkloads.ImageName(PlugWorkload.User));
        var missing = Layout.MissingKernelArtifacts();
        Assert.True(missing.Count == 0, $"the plug test needs {string.Join(", ", missing)}, which the solution build writes");
        DirectoryInfo keep = Directory.CreateTempSubdirectory("capos-plug-test-");
        var settings = new PlugSettings(Cycles, Seed, PlugMode.Mixed, image, keep.FullName, IntervalMs, PlugVerb.BootLimit,
            Workload: PlugWorkload.User);
        QemuOptions Machine(BlockChain chain) =>
            CapOSBoot.Kernel(Layout, PlugLines.CommandLine(IntervalMs, PlugWorkload.User), Accelerator.Tcg) with { ExtraArguments = chain.Arguments };
        var progress = new StringWriter();
        long before = new FileInfo(image).LastWriteTimeUtc.Ticks;

        PlugSummary summary = await new PlugCampaign(settings, Machine, new PlugProgress(progress, interactive: false))
            .RunAsync(CancellationToken.None);

        string report = $"{progress}{summary.Render()}";
        output.WriteLine(report);
        foreach (CycleResult cycle in summary.Cycles.Where(c => c.Crash is not null))
        {
            output.WriteLine($"cycle {cycle.Plan.Cycle} crash image: {cycle.Crash}");
        }

        Assert.True(summary.Failures == 0, $"a cycle failed; its logs are in {keep.FullName}\n{report}");
        Assert.True(summary.Passed && summary.Cycles.Count == Cycles, $"every cycle and the last recovery must run\n{report}");
        Assert.True(summary.Cycles.All(c => c.Verdict.RecoveredSeq >= 1) && summary.Last!.Verdict.RecoveredSeq >= 1, report);
        Assert.True(summary.Floor > 1, $"the campaign must commit checkpoints past the image's first\n{report}");
        Assert.True(new FileInfo(image).LastWriteTimeUtc.Ticks == before, "the campaign must never write the artifact");
        keep.Delete(recursive: true);
    }
}
