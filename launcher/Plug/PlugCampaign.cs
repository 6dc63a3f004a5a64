using System;
using System.Globalization;
using System.IO;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using CapOS.Harness;

namespace CapOS.Launcher.Plug;

/// <summary>
/// The pull-the-plug campaign (docs/plug.md, "Theory of operation"). The image is copied once into a private
/// directory; that copy (the working image) is the disk of every cycle and carries the state from cycle to
/// cycle. Each cycle: copy the working image aside (the boot image: what this boot started from), draw the
/// plan, boot through the mode's block chain, cut, judge; in power mode rebuild the working image as the
/// crash image (boot image + the write log's durable prefix + a chosen tail). The floor (the highest seq known
/// durable) rises with every recovered and committed seq and every later recovery must reach it. The first
/// failing cycle ends the campaign and leaves its serial log, report and boot image under the keep directory.
/// </summary>
public sealed class PlugCampaign
{
    private readonly PlugSettings _settings;
    private readonly Func<BlockChain, QemuOptions> _machine;
    private readonly PlugProgress _progress;

    /// <summary>Creates a campaign; <paramref name="machine"/> turns a block chain into the QEMU machine to boot.</summary>
    public PlugCampaign(PlugSettings settings, Func<BlockChain, QemuOptions> machine, PlugProgress progress)
    {
        _settings = settings;
        _machine = machine;
        _progress = progress;
    }

    /// <summary>Runs the cycles; stops at the first failure or on cancellation.</summary>
    public async Task<PlugSummary> RunAsync(CancellationToken cancel)
    {
        var summary = new PlugSummary(_settings.Seed, _settings.Mode, _settings.Cycles, initialFloor: 0);
        RemoveOldReports();
        DirectoryInfo work = Directory.CreateTempSubdirectory("capos-plug-");
        try
        {
            var paths = new CyclePaths(work.FullName);
            File.Copy(_settings.Image, paths.Work);
            string? lastCrash = null;
            for (int cycle = 1; cycle <= _settings.Cycles && !cancel.IsCancellationRequested; cycle++)
            {
                CycleResult result = await RunCycleAsync(cycle, summary.Floor, paths, lastCrash, cancel).ConfigureAwait(false);
                lastCrash = result.Crash;
                summary.Add(result);
                _progress.Report(result, summary);
                if (result.Failed)
                {
                    break;
                }
            }
        }
        catch (OperationCanceledException) when (cancel.IsCancellationRequested)
        {
        }
        finally
        {
            _progress.Finish();
            work.Delete(recursive: true);
        }
        return summary;
    }

    private async Task<CycleResult> RunCycleAsync(int cycle, long floor, CyclePaths paths, string? lastCrash,
        CancellationToken cancel)
    {
        CyclePlan plan = PlugPlanner.Plan(_settings.Seed, cycle, _settings.Mode, _settings.CheckpointIntervalMs);
        File.Copy(paths.Work, paths.Boot, overwrite: true);
        BlockChain chain = ChainFor(plan, paths);
        QemuOptions options = _machine(chain);
        CycleRun run = await PlugCycleRunner.RunAsync(options, plan, floor, _settings.CheckpointIntervalMs,
            _settings.BootLimit, cancel).ConfigureAwait(false);
        CycleResult result = run.Result;
        if (!result.Failed && plan.Mode == PlugMode.Power)
        {
            result = BuildCrashImage(result, paths);
        }
        if (result.Failed)
        {
            Keep(result, run, paths, floor, lastCrash);
        }
        return result;
    }

    private static BlockChain ChainFor(CyclePlan plan, CyclePaths paths)
    {
        switch (plan.Mode)
        {
            case PlugMode.Power:
                File.WriteAllBytes(paths.Log, []);
                return BlockChain.LogWrites(paths.Work, paths.Log);
            case PlugMode.Write:
                File.WriteAllText(paths.DebugConfig, BlkDebugConfig.FailWrite(plan.WriteNumber));
                return BlockChain.Debug(paths.Work, paths.DebugConfig);
            default:
                return BlockChain.Plain(paths.Work);
        }
    }

    /// <summary>Power mode: the working image becomes the boot image plus the log's durable prefix and a
    /// seeded choice among the later writes.</summary>
    private static CycleResult BuildCrashImage(CycleResult result, CyclePaths paths)
    {
        try
        {
            LogWritesLog log = LogWritesReader.Read(File.ReadAllBytes(paths.Log), BlockChain.LogSectorSize);
            CrashPlan crash = CrashPlan.Choose(log, new SplitMix64(result.Plan.CrashSeed));
            File.Copy(paths.Boot, paths.Work, overwrite: true);
            using (var image = new FileStream(paths.Work, FileMode.Open, FileAccess.ReadWrite))
            {
                CrashImageBuilder.Apply(image, log, crash);
            }
            string note = log.Truncated is null ? "" : $" (log: {log.Truncated})";
            return result with { Crash = $"{log.Entries.Count} logged requests; {crash.Describe()}{note}" };
        }
        catch (Exception e) when (e is LogWritesFormatException or ArgumentException or IOException)
        {
            return result with { Verdict = result.Verdict with { Failure = $"cannot build the crash image: {e.Message}" } };
        }
    }

    private void RemoveOldReports()
    {
        if (!Directory.Exists(_settings.KeepLogs))
        {
            return;
        }
        foreach (string file in Directory.EnumerateFiles(_settings.KeepLogs, "cycle-*"))
        {
            File.Delete(file);
        }
    }

    private void Keep(CycleResult result, CycleRun run, CyclePaths paths, long floor, string? lastCrash)
    {
        Directory.CreateDirectory(_settings.KeepLogs);
        string stem = Path.Combine(_settings.KeepLogs, string.Create(CultureInfo.InvariantCulture, $"cycle-{result.Plan.Cycle}"));
        File.WriteAllText(stem + ".serial.log", run.SerialLog);
        File.Copy(paths.Boot, stem + ".boot.img", overwrite: true);
        if (result.Plan.Mode == PlugMode.Power && File.Exists(paths.Log))
        {
            File.Copy(paths.Log, stem + ".log-writes.img", overwrite: true);
        }
        var report = new StringBuilder();
        report.Append(CultureInfo.InvariantCulture, $"seed: {_settings.Seed}\ncycle: {result.Plan.Cycle}\n");
        report.Append(CultureInfo.InvariantCulture, $"plan: {result.Plan.Describe()}\nfloor before the boot: {floor}\n");
        report.Append(CultureInfo.InvariantCulture, $"failure: {result.Verdict.Failure}\n");
        report.Append(CultureInfo.InvariantCulture, $"previous cycle's crash image: {lastCrash ?? "none"}\n");
        report.Append(CultureInfo.InvariantCulture,
            $"boot image: {Path.GetFileName(stem)}.boot.img (the disk this boot started from; QEMU used a copy in a removed temporary directory)\n");
        report.Append(run.QemuReport);
        File.WriteAllText(stem + ".report.txt", report.ToString());
    }

    /// <summary>The campaign's private files.</summary>
    private sealed record CyclePaths(string Directory)
    {
        public string Work => Path.Combine(Directory, "work.img");

        public string Boot => Path.Combine(Directory, "boot.img");

        public string Log => Path.Combine(Directory, "log-writes.img");

        public string DebugConfig => Path.Combine(Directory, "blkdebug.conf");
    }
}
