extern alias Launcher;

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
/// A short pull-the-plug campaign of the services workload (docs/plug.md "The services workload"; issue 12 item 6)
/// against the real kernel, run through <see cref="PlugCampaign"/> as <c>./capos plug --workload services</c> runs it,
/// over a temporary copy of artifacts/images/services.img: bank workers churn child banks and objects with the
/// bank's audit, a writer and a reader move the record stream through the pipe; every recovery must resume each
/// client at the step its snapshot held with equal digests, and no check may print FAIL.
/// </summary>
public sealed class ServicesPlugTests(ITestOutputHelper output)
{
    /// <summary>Chosen so that 10 mixed cycles draw kill, power and write (<see cref="FixedSeedDrawsEveryMode"/>).</summary>
    private const ulong Seed = 5;
    private const int Cycles = 10;
    private const int IntervalMs = 100;

    private static readonly RepositoryLayout Layout = RepositoryLayout.Locate();

    [Fact]
    public void FixedSeedDrawsEveryMode()
    {
        var plans = Enumerable.Range(1, Cycles).Select(c => PlugPlanner.Plan(Seed, c, PlugMode.Mixed, IntervalMs)).ToList();
        foreach (PlugMode mode in new[] { PlugMode.Kill, PlugMode.Power, PlugMode.Write })
        {
            Assert.Contains(plans, p => p.Mode == mode);
        }
    }

    [Fact]
    public async Task ServicesCampaignRecoversEveryCycle()
    {
        string image = ScratchDisk.ArtifactImage(PlugWorkloads.ImageName(PlugWorkload.Services));
        var missing = Layout.MissingKernelArtifacts();
        Assert.True(missing.Count == 0, $"the plug test needs {string.Join(", ", missing)}, which the solution build writes");
        DirectoryInfo keep = Directory.CreateTempSubdirectory("capos-services-plug-test-");
        var settings = new PlugSettings(Cycles, Seed, PlugMode.Mixed, image, keep.FullName, IntervalMs, PlugVerb.BootLimit,
            Workload: PlugWorkload.Services);
        QemuOptions Machine(BlockChain chain) =>
            PlugWorkloads.Boot(Layout, PlugLines.CommandLine(IntervalMs, PlugWorkload.Services), PlugWorkload.Services) with
            {
                ExtraArguments = chain.Arguments,
            };
        var progress = new StringWriter();

        PlugSummary summary = await new PlugCampaign(settings, Machine, new PlugProgress(progress, interactive: false))
            .RunAsync(CancellationToken.None);

        string report = $"{progress}{summary.Render()}";
        output.WriteLine(report);
        Assert.True(summary.Failures == 0, $"a cycle failed; its logs are in {keep.FullName}\n{report}");
        Assert.True(summary.Passed && summary.Cycles.Count == Cycles, $"every cycle and the last recovery must run\n{report}");
        Assert.True(summary.Floor > 1, $"the campaign must commit checkpoints past the image's first\n{report}");
        keep.Delete(recursive: true);
    }
}
