using System;
using System.IO;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using CapOS.Harness;
using CapOS.Launcher.Plug;
using Xunit;

namespace CapOS.Launcher.Tests.Plug;

/// <summary>
/// The campaign end to end on real QEMU, with Fixtures/plug-guest.asm standing in for the kernel: each boot
/// prints the serial lines the test scripts for it (the checkpoint's contract) and spins until it is cut. The
/// guest does no disk I/O, so these tests cover the machinery (chains, cuts, judging, the floor across
/// cycles, crash images from an empty log, kept logs), not the store.
/// </summary>
public class PlugCampaignTests : IDisposable
{
    private readonly DirectoryInfo _directory = Directory.CreateTempSubdirectory("capos-plug-campaign-");

    public void Dispose() => _directory.Delete(recursive: true);

    [Fact]
    public async Task AHealthyGuestPassesEveryModeAndTheFloorFollowsItsCommits()
    {
        string image = CreateImage();
        byte[] original = File.ReadAllBytes(image);
        int boots = 0;
        string Script()
        {
            int seq = Interlocked.Increment(ref boots);
            return $"checkpoint: recovered seq={seq} slot={seq % 2} log-objects=0 restart=0|mutator: recovered seq={seq} step={seq} invariant=ok"
                + $"|checkpoint: snapshot seq={seq + 1} dirty=1 pause-us=5|checkpoint: stabilize seq={seq + 1}"
                + $"|checkpoint: committed seq={seq + 1} images=1 log-pages=1|checkpoint: migrate seq={seq + 1}";
        }

        PlugSummary summary = await RunAsync(image, PlugMode.Mixed, cycles: 6, seed: 11, Script);

        Assert.Equal(0, summary.Failures);
        Assert.Equal(6, summary.Cycles.Count);
        Assert.Equal([1L, 2, 3, 4, 5, 6], summary.Cycles.Select(c => c.Verdict.RecoveredSeq!.Value));
        Assert.Equal(7, summary.Floor);
        // The stand-in prints its lines at once; a cut timed right after "committed" may land before the
        // "migrate" line arrives, so such a cycle is classified Commit.
        Assert.All(summary.Cycles, c => Assert.Contains(c.Verdict.Phase, new[] { CheckpointPhase.Commit, CheckpointPhase.Migrate }));
        Assert.Contains(summary.Cycles, c => c.Verdict.Phase == CheckpointPhase.Migrate);
        Assert.All(summary.Cycles, c => Assert.NotNull(c.BootToRecovered));
        Assert.All(summary.Cycles.Where(c => c.Plan.Kind == CutKind.AfterPhase), c => Assert.True(c.TargetReached));
        Assert.All(summary.Cycles.Where(c => c.Plan.Mode == PlugMode.Power),
            c => Assert.Equal("0 logged requests; no flush in the log; kept 0 of 0 later writes", c.Crash));
        Assert.Equal(
            Enumerable.Range(1, 6).Select(c => PlugPlanner.Plan(11, c, PlugMode.Mixed, 20)),
            summary.Cycles.Select(c => c.Plan));
        Assert.Equal(original, File.ReadAllBytes(image));
        Assert.False(Directory.Exists(KeepLogs) && Directory.EnumerateFiles(KeepLogs).Any());
    }

    [Fact]
    public async Task ARecoveryBelowTheFloorStopsTheCampaignAndKeepsTheCycle()
    {
        string image = CreateImage();
        static string Script() =>
            "checkpoint: recovered seq=1 slot=0 log-objects=0 restart=0|mutator: recovered seq=1 step=0 invariant=ok"
            + "|checkpoint: committed seq=2 images=1 log-pages=1";

        PlugSummary summary = await RunAsync(image, PlugMode.Kill, cycles: 4, seed: 3, Script);

        Assert.Equal(2, summary.Cycles.Count);
        Assert.Null(summary.Cycles[0].Verdict.Failure);
        Assert.Equal("recovered seq 1 is below the floor 2: a committed checkpoint was lost", summary.Cycles[1].Verdict.Failure);
        // The line that failed the cycle is kept; later lines may or may not have arrived before the cut.
        Assert.Contains("checkpoint: recovered seq=1", File.ReadAllText(Path.Combine(KeepLogs, "cycle-2.serial.log")));
        string report = File.ReadAllText(Path.Combine(KeepLogs, "cycle-2.report.txt"));
        Assert.Contains("seed: 3\ncycle: 2\n", report);
        Assert.Contains("floor before the boot: 2", report);
        Assert.Contains("QEMU: qemu-system-x86_64 ", report);
        Assert.Equal(File.ReadAllBytes(image), File.ReadAllBytes(Path.Combine(KeepLogs, "cycle-2.boot.img")));
    }

    [Fact]
    public async Task ARefusedRecoveryFailsTheFirstCycle()
    {
        string image = CreateImage();

        PlugSummary summary = await RunAsync(image, PlugMode.Power, cycles: 3, seed: 1,
            () => "store: cannot boot: both checkpoint headers are invalid");

        CycleResult only = Assert.Single(summary.Cycles);
        Assert.Equal("serial line 1: store: cannot boot: both checkpoint headers are invalid", only.Verdict.Failure);
        Assert.Null(only.BootToRecovered);
        Assert.True(File.Exists(Path.Combine(KeepLogs, "cycle-1.log-writes.img")));
    }

    private string KeepLogs => Path.Combine(_directory.FullName, "keep");

    private string CreateImage()
    {
        string image = Path.Combine(_directory.FullName, "plug.img");
        File.WriteAllBytes(image, [.. Enumerable.Range(0, 64 * 1024).Select(i => (byte)(i * 7))]);
        return image;
    }

    private async Task<PlugSummary> RunAsync(string image, PlugMode mode, int cycles, ulong seed, Func<string> script)
    {
        string guest = Path.Combine(AppContext.BaseDirectory, "Fixtures", "plug-guest.bin");
        Assert.True(File.Exists(guest), $"{guest} is missing: the test project's build assembles it with nasm");
        var settings = new PlugSettings(cycles, seed, mode, image, KeepLogs, CheckpointIntervalMs: 20, TimeSpan.FromSeconds(30));
        QemuOptions Machine(BlockChain chain) =>
            new() { Kernel = guest, KernelCommandLine = "plug-guest|" + script(), ExtraArguments = chain.Arguments };
        var progress = new PlugProgress(new StringWriter(), interactive: false);
        return await new PlugCampaign(settings, Machine, progress).RunAsync(CancellationToken.None);
    }
}
