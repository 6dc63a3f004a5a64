using System;
using System.IO;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using CapOS.Harness;
using CapOS.Launcher.Plug;
using CapOS.Launcher.Plug.Disk;
using Xunit;

namespace CapOS.Launcher.Tests.Plug;

/// <summary>
/// The campaign end to end on real QEMU, with Fixtures/plug-guest.asm standing in for the kernel: each boot
/// prints the serial lines the test scripts for it (contract K1-K4) and spins until it is cut. The guest does no
/// disk I/O, so the test does its disk's part: when a script commits seq N+1, the test writes header N+1 into
/// the disk before the boot starts (and, in power mode, into the boot image the crash states are built from,
/// since the stand-in's write log is empty). These tests cover the machinery (chains, cuts, the exact floor
/// across cycles, the contents record, crash states, the last recovery, kept logs), not the store.
/// </summary>
public class PlugCampaignTests : IDisposable
{
    private readonly DirectoryInfo _directory = Directory.CreateTempSubdirectory("capos-plug-campaign-");

    public void Dispose() => _directory.Delete(recursive: true);

    /// <summary>A boot that recovers the disk's newest header N and commits N+1.</summary>
    private static string Healthy(long seq) =>
        $"checkpoint: recovered seq={seq} slot={seq % 2} log-objects=0 restart=0|mutator: recovered seq={seq} step={seq} digest={Digest(seq)} invariant=ok"
        + $"|checkpoint: snapshot seq={seq + 1} dirty=1 pause-us=5|mutator: snapshot seq={seq + 1} step={seq + 1} digest={Digest(seq + 1)}"
        + $"|checkpoint: stabilize seq={seq + 1}|checkpoint: committed seq={seq + 1} images=1 log-pages=1 cow=0|checkpoint: migrate seq={seq + 1}";

    private static string Digest(long seq) => $"{seq * 0x9e3779b1L:x16}";

    [Fact]
    public async Task AHealthyGuestPassesEveryModeAndEveryCutIsJudged()
    {
        string image = CreateImage();
        byte[] original = File.ReadAllBytes(image);

        PlugSummary summary = await RunAsync(image, PlugMode.Mixed, cycles: 6, seed: 13, (seq, _) => Healthy(seq));

        Assert.True(summary.Passed, summary.Render() + summary.Last?.Failure);
        Assert.Equal(6, summary.Cycles.Count);
        Assert.Equal([1L, 2, 3, 4, 5, 6], summary.Cycles.Select(c => c.Verdict.RecoveredSeq!.Value));
        Assert.Equal(7, summary.Last!.Verdict.RecoveredSeq);
        Assert.Equal(7, summary.Floor);
        Assert.Equal([PlugMode.Kill, PlugMode.Power, PlugMode.Write], summary.Cycles.Select(c => c.Plan.Mode).Distinct().Order());
        Assert.All(summary.Cycles.Where(c => c.Plan.Mode == PlugMode.Power), c =>
        {
            Assert.Equal(PlugSettings.DefaultStates, c.States.Count);
            Assert.All(c.States.Skip(1), s => Assert.Equal(c.Verdict.RecoveredSeq + 1, s.Verdict!.RecoveredSeq));
            Assert.StartsWith("0 logged requests; no flush before the cut; cut at the log's end; kept 0 of 0", c.Crash);
        });
        Assert.Equal(Enumerable.Range(1, 6).Select(c => PlugPlanner.Plan(13, c, PlugMode.Mixed, 20)), summary.Cycles.Select(c => c.Plan));
        Assert.Equal(original, File.ReadAllBytes(image));
        Assert.False(Directory.Exists(KeepLogs) && Directory.EnumerateFiles(KeepLogs).Any());
    }

    [Fact]
    public async Task AFallbackBelowTheDisksNewestHeaderStopsTheCampaignAndKeepsTheCycle()
    {
        string image = CreateImage();

        PlugSummary summary = await RunAsync(image, PlugMode.Kill, cycles: 4, seed: 3, (_, _) => Healthy(1));

        Assert.Equal(2, summary.Cycles.Count);
        Assert.Null(summary.Cycles[0].Failure);
        Assert.StartsWith("recovered seq 1 is below the floor 2", summary.Cycles[1].Failure, StringComparison.Ordinal);
        Assert.Null(summary.Last);
        Assert.Contains("checkpoint: recovered seq=1", File.ReadAllText(Path.Combine(KeepLogs, "cycle-2.serial.log")), StringComparison.Ordinal);
        string report = File.ReadAllText(Path.Combine(KeepLogs, "cycle-2.report.txt"));
        Assert.Contains("seed: 3\ncycle: 2\n", report, StringComparison.Ordinal);
        Assert.Contains("floor before the boot: 2", report, StringComparison.Ordinal);
        Assert.Contains("QEMU: qemu-system-x86_64 ", report, StringComparison.Ordinal);
        Assert.Equal(2, DiskHeaders.Read(Path.Combine(KeepLogs, "cycle-2.boot.img")).Newest);
    }

    [Fact]
    public async Task ARecoveryWithOtherContentsThanItsSnapshotFails()
    {
        string image = CreateImage();
        int boots = 0;
        string Script(long seq, BlockChain chain) =>
            Interlocked.Increment(ref boots) == 2 ? Healthy(seq).Replace($"digest={Digest(seq)} invariant", $"digest={Digest(99)} invariant", StringComparison.Ordinal) : Healthy(seq);

        PlugSummary summary = await RunAsync(image, PlugMode.Kill, cycles: 3, seed: 3, Script);

        Assert.Equal(2, summary.Cycles.Count);
        Assert.Equal($"recovered seq 2 holds step 2 digest {Digest(99)}, but its snapshot held step 2 digest {Digest(2)}: the checkpoint's contents are wrong",
            summary.Cycles[1].Failure);
    }

    [Fact]
    public async Task TheLastCutIsJudgedAndARecoveryMustCommitAgain()
    {
        string image = CreateImage();
        int boots = 0;
        string Script(long seq, BlockChain chain) =>
            Interlocked.Increment(ref boots) == 1 ? Healthy(seq)
                : $"checkpoint: recovered seq={seq} slot=0 log-objects=0 restart=0|mutator: recovered seq={seq} step={seq} digest={Digest(seq)} invariant=ok";

        PlugSummary summary = await RunAsync(image, PlugMode.Kill, cycles: 1, seed: 3, Script);

        Assert.Null(summary.Cycles.Single().Failure);
        Assert.Equal(2, summary.Last!.Verdict.RecoveredSeq);
        Assert.Equal("recovered seq 2 and ran the liveness limit without committing a checkpoint", summary.Last.Failure);
        Assert.False(summary.Passed);
        Assert.True(File.Exists(Path.Combine(KeepLogs, "cycle-2.serial.log")));
    }

    [Fact]
    public async Task ARefusedRecoveryFailsTheFirstCycle()
    {
        string image = CreateImage();

        PlugSummary summary = await RunAsync(image, PlugMode.Power, cycles: 3, seed: 1,
            (_, _) => "store: cannot boot: both checkpoint headers are invalid");

        CycleResult only = Assert.Single(summary.Cycles);
        Assert.Equal("serial line 1: store: cannot boot: both checkpoint headers are invalid", only.Failure);
        Assert.Null(only.BootToRecovered);
        Assert.True(File.Exists(Path.Combine(KeepLogs, "cycle-1.log-writes.img")));
    }

    private string KeepLogs => Path.Combine(_directory.FullName, "keep");

    private string CreateImage() => TestVolume.Write(Path.Combine(_directory.FullName, "plug.img"), TestVolume.Create(slot0: 1));

    /// <summary>Runs a campaign whose boots print <paramref name="script"/>(newest header on the disk, chain); a
    /// script that commits N+1 gets header N+1 on the disk (see the class comment).</summary>
    private async Task<PlugSummary> RunAsync(string image, PlugMode mode, int cycles, ulong seed, Func<long, BlockChain, string> script)
    {
        string guest = Path.Combine(AppContext.BaseDirectory, "Fixtures", "plug-guest.bin");
        Assert.True(File.Exists(guest), $"{guest} is missing: the test project's build assembles it with nasm");
        var settings = new PlugSettings(cycles, seed, mode, image, KeepLogs, CheckpointIntervalMs: 20, TimeSpan.FromSeconds(30),
            Workload: PlugWorkload.Kernel); // the fixture guest prints the mutator's lines
        QemuOptions Machine(BlockChain chain)
        {
            string disk = chain.Arguments[1].Split(',').Single(a => a.StartsWith("filename=", StringComparison.Ordinal))["filename=".Length..];
            DiskHeaders headers = DiskHeaders.Read(disk);
            string lines = script(headers.Newest, chain);
            if (lines.Contains($"committed seq={headers.Newest + 1} ", StringComparison.Ordinal))
            {
                Commit(disk, headers);
                if (chain.Kind == BlockChainKind.LogWrites)
                {
                    Commit(new CampaignPaths(Path.GetDirectoryName(disk)!).Boot, headers);
                }
            }
            return new() { Kernel = guest, KernelCommandLine = "plug-guest|" + lines, ExtraArguments = chain.Arguments };
        }
        var progress = new PlugProgress(new StringWriter(), interactive: false);
        return await new PlugCampaign(settings, Machine, progress).RunAsync(CancellationToken.None);
    }

    /// <summary>Writes header Newest+1 into the slot that does not hold the newest.</summary>
    private static void Commit(string disk, DiskHeaders headers)
    {
        int slot = headers.Slot0.Valid && headers.Slot0.Sequence == (ulong)headers.Newest ? 1 : 0;
        using var file = new FileStream(disk, FileMode.Open, FileAccess.Write);
        file.Position = (long)TestVolume.SlotSector(slot) * 512;
        file.Write(TestVolume.Header((ulong)headers.Newest + 1));
    }
}
