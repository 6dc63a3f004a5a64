using System;
using System.Diagnostics;
using System.Threading;
using System.Threading.Tasks;
using System.Text.RegularExpressions;
using CapOS.Harness;

namespace CapOS.Launcher.Plug;

/// <summary>A cycle's boot as run: the result and what a failure report keeps.</summary>
/// <param name="Result">The cycle's result (without the crash image, which the campaign adds).</param>
/// <param name="SerialLog">The whole serial log.</param>
/// <param name="QemuReport">QEMU's command line, exit and output.</param>
public sealed record CycleRun(CycleResult Result, string SerialLog, string QemuReport);

/// <summary>
/// Boots one cycle on QEMU and cuts it (docs/plug.md, "A cycle"): start, wait until the serial log settles
/// recovery (the mutator's line or a failure line), wait for the plan's instant (a delay, a phase line plus an
/// offset, or blkdebug's error stopping the machine), SIGKILL, then judge the whole log, including the lines
/// that were still in the socket at the cut (they were printed before it).
/// </summary>
public static class PlugCycleRunner
{
    /// <summary>What the recovery wait looks for: the mutator's line, or anything that fails the boot.</summary>
    private static readonly Regex RecoverySettled =
        new(@"^(mutator: recovered |store: cannot boot:|mutator: invariant broken:|panic:|fault:|EXCEPTION )",
            RegexOptions.CultureInvariant);

    /// <summary>Runs one boot of <paramref name="options"/> under <paramref name="plan"/>.</summary>
    public static async Task<CycleRun> RunAsync(QemuOptions options, CyclePlan plan, long floor, int checkpointIntervalMs,
        TimeSpan bootLimit, CancellationToken cancel)
    {
        var clock = Stopwatch.StartNew();
        QemuMachine machine = await QemuMachine.StartAsync(options, cancel: cancel).ConfigureAwait(false);
        await using (machine.ConfigureAwait(false))
        {
            TimeSpan? boot = await WaitForRecoveryAsync(machine, floor, clock, bootLimit, cancel).ConfigureAwait(false);
            (bool reached, bool writeFailed) = (false, false);
            if (boot is not null)
            {
                (reached, writeFailed) = await WaitForCutAsync(machine, plan, checkpointIntervalMs, cancel)
                    .ConfigureAwait(false);
            }
            bool endedByItself = !machine.IsRunning;
            QemuExit exit = await machine.KillAsync().ConfigureAwait(false);
            CycleVerdict verdict = PlugJudge.Judge(machine.Serial.Lines, floor);
            if (verdict.Failure is null && (endedByItself || exit.Kind != QemuExitKind.Killed))
            {
                verdict = verdict with { Failure = $"QEMU ended before the cut: {exit.Message}" };
            }
            if (verdict.Failure is null && boot is null)
            {
                verdict = verdict with { Failure = $"recovery did not settle within {bootLimit.TotalSeconds:0} s" };
            }
            var result = new CycleResult(plan, verdict, boot, reached, writeFailed, null);
            return new CycleRun(result, machine.Serial.Log, machine.Describe());
        }
    }

    /// <summary>Waits until the log settles recovery; returns the time from QEMU's start, or null if the log
    /// failed or never settled (QEMU ended, or the limit passed).</summary>
    private static async Task<TimeSpan?> WaitForRecoveryAsync(QemuMachine machine, long floor, Stopwatch clock,
        TimeSpan limit, CancellationToken cancel)
    {
        try
        {
            await machine.Serial.WaitForLineAsync(RecoverySettled, limit, cancel).ConfigureAwait(false);
        }
        catch (SerialWaitException)
        {
            return null;
        }
        TimeSpan elapsed = clock.Elapsed;
        CycleVerdict verdict = PlugJudge.Judge(machine.Serial.Lines, floor);
        return verdict.RecoveryComplete && verdict.Failure is null ? elapsed : null;
    }

    private static async Task<(bool Reached, bool WriteFailed)> WaitForCutAsync(QemuMachine machine, CyclePlan plan,
        int checkpointIntervalMs, CancellationToken cancel)
    {
        switch (plan.Kind)
        {
            case CutKind.AfterDelay:
                await DelayUnlessEndedAsync(machine, plan.Delay, cancel).ConfigureAwait(false);
                return (false, false);
            case CutKind.AfterPhase:
                if (!await WaitForPhaseOfWorkAsync(machine, plan.Target, PlugPlanner.PhaseWaitLimit(checkpointIntervalMs), cancel)
                        .ConfigureAwait(false))
                {
                    return (false, false);
                }
                await DelayUnlessEndedAsync(machine, plan.Delay, cancel).ConfigureAwait(false);
                return (true, false);
            default:
                try
                {
                    await machine.Qmp!.WaitForEventAsync("BLOCK_IO_ERROR", plan.Delay, cancel: cancel).ConfigureAwait(false);
                    return (false, true);
                }
                catch (QmpException)
                {
                    return (false, false);
                }
        }
    }

    /// <summary>
    /// Waits for the line that starts <paramref name="target"/> in a checkpoint that carries work: the snapshot
    /// of an empty checkpoint (<c>dirty=0</c>, the first after a boot: the mutator has not stepped yet) writes
    /// only a header, so a cut in its phases would test little; its lines are skipped. False if none came in time.
    /// </summary>
    private static async Task<bool> WaitForPhaseOfWorkAsync(QemuMachine machine, CheckpointPhase target, TimeSpan limit,
        CancellationToken cancel)
    {
        var deadline = Stopwatch.StartNew();
        Regex start = PlugLines.PhaseStart(target);
        var empty = new System.Collections.Generic.HashSet<string>(StringComparer.Ordinal);
        while (deadline.Elapsed < limit)
        {
            Match line;
            try
            {
                line = await machine.Serial.WaitForLineAsync(PlugLines.SnapshotOrPhaseStart(target), limit - deadline.Elapsed, cancel)
                    .ConfigureAwait(false);
            }
            catch (SerialWaitException)
            {
                return false;
            }
            string seq = line.Groups["seq"].Value;
            if (line.Groups["dirty"].Success && line.Groups["dirty"].Value == "0")
            {
                empty.Add(seq);
            }
            if (start.IsMatch(line.Value) && !empty.Contains(seq))
            {
                return true;
            }
        }
        return false;
    }

    private static async Task DelayUnlessEndedAsync(QemuMachine machine, TimeSpan delay, CancellationToken cancel)
    {
        if (delay > TimeSpan.Zero)
        {
            await Task.WhenAny(Task.Delay(delay, cancel), machine.Serial.Completion).ConfigureAwait(false);
            cancel.ThrowIfCancellationRequested();
        }
    }
}
