using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using CapOS.Harness;
using CapOS.Launcher.Plug.Disk;

namespace CapOS.Launcher.Plug;

/// <summary>
/// The pull-the-plug campaign (docs/plug.md, "Theory of operation"). The image is copied once into a private
/// directory; that copy (the working disk) is the disk of every cycle and carries the state from cycle to
/// cycle. Each cycle: copy the working disk aside (the boot image), draw the plan, boot through the mode's
/// block chain, cut, judge the boot against the exact floor (the newest valid header on the disk it booted
/// from) and the contents record; then read the disk the cut left: in power mode build and boot the cut's
/// crash states, the first becoming the working disk; in every mode the newest valid header on the new working
/// disk is the next boot's floor. After the last cycle one more boot only recovers and commits, so every cut
/// is judged. The first failing cycle ends the campaign and leaves its logs, report and images.
/// </summary>
public sealed class PlugCampaign
{
    private readonly PlugSettings _settings;
    private readonly Func<BlockChain, QemuOptions> _machine;
    private readonly PlugProgress _progress;
    private readonly ContentsRecord<MutatorContents> _record = new();
    private readonly ContentsRecord<WorkloadSteps> _steps = new();
    private readonly DigestBook _digests = new();
    private UserExpectation? _user;

    /// <summary>Creates a campaign; <paramref name="machine"/> turns a block chain into the QEMU machine to boot.</summary>
    public PlugCampaign(PlugSettings settings, Func<BlockChain, QemuOptions> machine, PlugProgress progress)
    {
        _settings = settings;
        _machine = machine;
        _progress = progress;
    }

    /// <summary>Runs the cycles and the last recovery; stops at the first failure or on cancellation.</summary>
    public async Task<PlugSummary> RunAsync(CancellationToken cancel)
    {
        RemoveOldReports();
        DirectoryInfo work = Directory.CreateTempSubdirectory("capos-plug-");
        PlugSummary? summary = null;
        try
        {
            var paths = new CampaignPaths(work.FullName);
            File.Copy(_settings.Image, paths.Work);
            DiskGeometry geometry;
            long floor;
            using (FileStream image = File.OpenRead(paths.Work))
            {
                geometry = DiskGeometry.Read(image);
                floor = DiskHeaders.Read(image, geometry).Newest;
                _user = PlugWorkloads.Expectation(_settings.Workload, RestartList.Read(image, geometry), _steps, _digests);
            }
            summary = new PlugSummary(_settings, floor);
            string? lastCrash = null;
            for (int cycle = 1; cycle <= _settings.Cycles && !cancel.IsCancellationRequested; cycle++)
            {
                CycleResult result = await RunCycleAsync(cycle, floor, geometry, paths, lastCrash, cancel).ConfigureAwait(false);
                lastCrash = result.Crash;
                floor = result.FloorAfter;
                summary.Add(result);
                _progress.Report(result, summary);
                if (result.Failed)
                {
                    return summary;
                }
            }
            if (!cancel.IsCancellationRequested)
            {
                CycleResult last = await RunLastAsync(floor, paths, lastCrash, cancel).ConfigureAwait(false);
                summary.AddLast(last);
                _progress.Report(last, summary);
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
        return summary ?? new PlugSummary(_settings, 0);
    }

    private async Task<CycleResult> RunCycleAsync(int cycle, long floor, DiskGeometry geometry, CampaignPaths paths,
        string? lastCrash, CancellationToken cancel)
    {
        CyclePlan plan = PlugPlanner.Plan(_settings.Seed, cycle, _settings.Mode, _settings.CheckpointIntervalMs);
        File.Copy(paths.Work, paths.Boot, overwrite: true);
        var expect = new BootExpectation(floor, _record, CheckContents: true, plan.Fault, _user);
        CycleRun run = await PlugCycleRunner.RunAsync(_machine(ChainFor(plan, paths)), plan, expect,
            _settings.CheckpointIntervalMs, _settings.BootLimit, cancel).ConfigureAwait(false);
        CycleResult result = run.Result with { FloorAfter = floor };
        var stateRuns = new List<StateRun>();
        if (!result.Failed)
        {
            Remember(result.Verdict);
            result = plan.Mode == PlugMode.Power
                ? await PowerCutAsync(result, geometry, paths, stateRuns, cancel).ConfigureAwait(false)
                : AfterCut(result, DiskHeaders.Read(paths.Work).Newest);
        }
        if (result.Failed)
        {
            Keep(result, run, stateRuns, paths, floor, lastCrash);
        }
        return result;
    }

    /// <summary>The boot after the last cut: recover, commit once, nothing else.</summary>
    private async Task<CycleResult> RunLastAsync(long floor, CampaignPaths paths, string? lastCrash, CancellationToken cancel)
    {
        var plan = new CyclePlan(_settings.Cycles + 1, PlugMode.Kill, CutKind.AfterDelay, CheckpointPhase.Idle, TimeSpan.Zero, 0, 0);
        File.Copy(paths.Work, paths.Boot, overwrite: true);
        var expect = new BootExpectation(floor, _record, User: _user);
        CycleRun run = await PlugCycleRunner.RecoverAsync(_machine(BlockChain.Plain(paths.Work)), plan, expect,
            _settings.CheckpointIntervalMs, _settings.BootLimit, cancel).ConfigureAwait(false);
        CycleResult result = run.Result with { FloorAfter = floor };
        if (result.Failed)
        {
            Keep(result, run, [], paths, floor, lastCrash);
        }
        return result;
    }

    /// <summary>Records what the boot showed: its recovery (R1, R2), then its snapshots (R3); the user workload's
    /// steps likewise and its digests (U3).</summary>
    private void Remember(CycleVerdict verdict)
    {
        if (verdict.User is { } user && verdict.RecoveredSeq is long recovered)
        {
            _steps.Recovered(recovered, user.Resumed);
            foreach ((long snapshot, WorkloadSteps steps) in user.Snapshots)
            {
                _steps.Snapshot(snapshot, steps);
            }
            foreach ((ulong root, long step, string digest) in user.Digests)
            {
                _digests.Add(root, step, digest);
            }
        }
        if (verdict.RecoveredSeq is long seq && verdict.Contents is { } contents)
        {
            _record.Recovered(seq, contents);
        }
        foreach ((long snapshot, MutatorContents taken) in verdict.Snapshots)
        {
            _record.Snapshot(snapshot, taken);
        }
    }

    /// <summary>C9 and the next floor, from the disk the cut left.</summary>
    private static CycleResult AfterCut(CycleResult result, long diskNewest) =>
        result with { CutFailure = PlugJudge.JudgeCut(result.Verdict, diskNewest), FloorAfter = diskNewest };

    private async Task<CycleResult> PowerCutAsync(CycleResult result, DiskGeometry geometry, CampaignPaths paths,
        List<StateRun> stateRuns, CancellationToken cancel)
    {
        PowerCut cut;
        IReadOnlyList<StateResult> states;
        try
        {
            cut = PowerCut.Read(geometry, paths);
            states = cut.Choose(result.Plan, _settings.States);
        }
        catch (Exception e) when (e is LogWritesFormatException or ArgumentException or IOException)
        {
            return result with { CutFailure = $"cannot read the write log: {e.Message}" };
        }
        var judged = new List<StateResult> { states[0] };
        foreach (StateResult state in states.Skip(1))
        {
            StateRun run = await cut.BootAsync(state, result.Plan, new BootExpectation(0, _record, User: _user), _machine,
                _settings.CheckpointIntervalMs, _settings.BootLimit, cancel).ConfigureAwait(false);
            stateRuns.Add(run);
            judged.Add(run.State);
            if (run.State.Failure is not null)
            {
                break;
            }
        }
        string note = cut.Log.Truncated is null ? "" : $" (log: {cut.Log.Truncated})";
        result = result with { States = judged, Crash = $"{cut.Log.Entries.Count} logged requests; {states[0].Account}{note}" };
        try
        {
            cut.Build(states[0], paths.Work);
        }
        catch (Exception e) when (e is ArgumentException or IOException)
        {
            return result with { CutFailure = $"cannot build the crash image: {e.Message}" };
        }
        long onDisk = DiskHeaders.Read(paths.Work).Newest;
        result = AfterCut(result, states[0].Floor);
        return onDisk == states[0].Floor || result.CutFailure is not null ? result
            : result with { CutFailure = $"the write log leaves header seq {states[0].Floor}, the crash image {onDisk}" };
    }

    private static BlockChain ChainFor(CyclePlan plan, CampaignPaths paths)
    {
        switch (plan.Mode)
        {
            case PlugMode.Power:
                File.WriteAllBytes(paths.Log, []);
                return BlockChain.LogWrites(paths.Work, paths.Log);
            case PlugMode.Write:
                File.WriteAllText(paths.DebugConfig, BlkDebugConfig.FailWrite(plan.WriteNumber, once: plan.Fault == WriteFault.Transient));
                return BlockChain.Debug(paths.Work, paths.DebugConfig);
            default:
                return BlockChain.Plain(paths.Work);
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

    private void Keep(CycleResult result, CycleRun run, List<StateRun> stateRuns, CampaignPaths paths, long floor, string? lastCrash)
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
        report.Append(CultureInfo.InvariantCulture, $"failure: {result.Failure}\n");
        report.Append(CultureInfo.InvariantCulture, $"previous cycle's crash image: {lastCrash ?? "none"}\n");
        report.Append(CultureInfo.InvariantCulture,
            $"boot image: {Path.GetFileName(stem)}.boot.img (the disk this boot started from; QEMU used a copy in a removed temporary directory)\n");
        foreach (StateResult state in result.States)
        {
            report.Append(CultureInfo.InvariantCulture,
                $"crash state {state.Index}: {state.Account}; phase {state.Phase.ToString().ToLowerInvariant()}; floor {state.Floor}; {state.Failure ?? (state.Verdict is null ? "the working disk" : "ok")}\n");
        }
        report.Append(run.QemuReport);
        File.WriteAllText(stem + ".report.txt", report.ToString());
        foreach (StateRun state in stateRuns.Where(s => s.State.Failure is not null))
        {
            string name = string.Create(CultureInfo.InvariantCulture, $"{stem}.state-{state.State.Index}");
            File.WriteAllText(name + ".serial.log", state.Run.SerialLog);
            using (FileStream boot = File.OpenRead(paths.Boot))
            {
                PowerCut.Read(DiskGeometry.Read(boot), paths).Build(state.State, name + ".img");
            }
            File.WriteAllText(name + ".report.txt", $"{state.State.Account}\nfailure: {state.State.Failure}\n{state.Run.QemuReport}");
        }
    }
}
