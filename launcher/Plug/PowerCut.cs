using System;
using System.Collections.Generic;
using System.IO;
using System.Threading;
using System.Threading.Tasks;
using CapOS.Harness;
using CapOS.Launcher.Plug.Disk;

namespace CapOS.Launcher.Plug;

/// <summary>
/// What a power cut leaves (docs/plug.md, "Crash states"): from the cut's write log, <see cref="CrashPlanner"/>
/// chooses K states; each but the first is built beside the working disk and booted once, to recover exactly
/// its own floor (the newest header its kept writes leave, <see cref="CrashHeaders"/>) with the recorded
/// contents, and to commit again; the first (at the cut) becomes the working disk, which the next cycle's boot
/// judges.
/// </summary>
public sealed class PowerCut
{
    private readonly LogWritesLog _log;
    private readonly DiskGeometry _geometry;
    private readonly CampaignPaths _paths;
    private readonly byte[] _bootSlots;

    private PowerCut(LogWritesLog log, DiskGeometry geometry, CampaignPaths paths)
    {
        _log = log;
        _geometry = geometry;
        _paths = paths;
        _bootSlots = CrashHeaders.ReadSlots(paths.Boot, geometry);
    }

    /// <summary>The write log as read, for its account.</summary>
    public LogWritesLog Log => _log;

    /// <summary>Reads the cut's write log.</summary>
    /// <exception cref="LogWritesFormatException">The log is not a dm-log-writes log.</exception>
    public static PowerCut Read(DiskGeometry geometry, CampaignPaths paths) =>
        new(LogWritesReader.Read(File.ReadAllBytes(paths.Log), BlockChain.LogSectorSize), geometry, paths);

    /// <summary>The states of <paramref name="plan"/>'s cut, the first at the cut.</summary>
    public IReadOnlyList<StateResult> Choose(CyclePlan plan, int count)
    {
        IReadOnlyList<CrashPlan> plans = CrashPlanner.ChooseStates(_log, new SplitMix64(plan.CrashSeed), count);
        var states = new List<StateResult>(plans.Count);
        for (int i = 0; i < plans.Count; i++)
        {
            DiskHeaders headers = CrashHeaders.After(_geometry, _bootSlots, _log, plans[i]);
            states.Add(new StateResult(i, plans[i], $"{plans[i].Describe(_log)}; headers {headers.Describe()}",
                CrashPhase.Of(_geometry, _log, plans[i]), headers.Newest, null));
        }
        return states;
    }

    /// <summary>Writes <paramref name="state"/>'s disk to <paramref name="path"/>: the boot image plus its writes.</summary>
    public void Build(StateResult state, string path)
    {
        File.Copy(_paths.Boot, path, overwrite: true);
        using var image = new FileStream(path, FileMode.Open, FileAccess.ReadWrite);
        CrashImageBuilder.Apply(image, _log, state.Plan);
    }

    /// <summary>Builds and boots a side state; its contents are judged against copies of the records.</summary>
    public async Task<StateRun> BootAsync(StateResult state, CyclePlan plan, BootExpectation working,
        Func<BlockChain, QemuOptions> machine, int intervalMs, TimeSpan bootLimit, CancellationToken cancel)
    {
        string path = _paths.State(state.Index);
        Build(state, path);
        BootExpectation expect = working.Beside(state.Floor);
        CycleRun run = await PlugCycleRunner.RecoverAsync(machine(BlockChain.Plain(path)), plan, expect, intervalMs, bootLimit, cancel)
            .ConfigureAwait(false);
        File.Delete(path);
        return new StateRun(state with { Verdict = run.Result.Verdict }, run);
    }
}
