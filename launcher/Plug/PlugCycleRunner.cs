using System;
using System.Diagnostics;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using System.Text.RegularExpressions;
using CapOS.Harness;

namespace CapOS.Launcher.Plug;

/// <summary>
/// Boots on QEMU and cuts (docs/plug.md, "Theory of operation"). A cycle's boot: start, wait until the serial
/// log settles recovery, wait for the plan's instant (a delay, a phase line plus an offset, or the kernel's
/// answer to the I/O error handed to it at write N), SIGKILL, then judge the whole log, including the lines
/// that were still in the socket at the cut (they were printed before it). A recovery boot (a crash state,
/// the campaign's last boot): wait for recovery and the first commit after it, then SIGKILL and judge.
/// </summary>
public static class PlugCycleRunner
{
    private static readonly Regex Committed = new("^checkpoint: committed seq=", RegexOptions.CultureInvariant);

    private static readonly TimeSpan Tick = TimeSpan.FromMilliseconds(5);

    /// <summary>Runs one cycle's boot of <paramref name="options"/> under <paramref name="plan"/>.</summary>
    public static async Task<CycleRun> RunAsync(QemuOptions options, CyclePlan plan, BootExpectation expect,
        int checkpointIntervalMs, TimeSpan bootLimit, CancellationToken cancel)
    {
        var clock = Stopwatch.StartNew();
        TimeSpan liveness = PlugPlanner.LivenessLimit(checkpointIntervalMs);
        QemuMachine machine = await QemuMachine.StartAsync(options, cancel: cancel).ConfigureAwait(false);
        await using (machine.ConfigureAwait(false))
        {
            TimeSpan? boot;
            bool reached = false, mustCommit = false, timedOut = false;
            int? errorAt = null;
            if (plan.Mode == PlugMode.Write)
            {
                (boot, errorAt, timedOut, mustCommit) = await WriteCutAsync(machine, expect, plan.Fault, clock, bootLimit, liveness, cancel)
                    .ConfigureAwait(false);
            }
            else
            {
                boot = await WaitForRecoveryAsync(machine, expect, clock, bootLimit, cancel).ConfigureAwait(false);
                if (boot is not null)
                {
                    reached = await WaitForCutAsync(machine, plan, checkpointIntervalMs, cancel).ConfigureAwait(false);
                    mustCommit = clock.Elapsed - boot.Value >= liveness;
                }
            }
            bool endedByItself = !machine.IsRunning;
            QemuExit exit = await machine.KillAsync().ConfigureAwait(false);
            bool cut = !endedByItself && exit.Kind == QemuExitKind.Killed && (boot is not null || errorAt is not null);
            var facts = new BootFacts(cut, mustCommit, errorAt, timedOut, RanLiveness: mustCommit);
            CycleVerdict verdict = Judge(machine, expect, facts, exit, endedByItself, boot, bootLimit);
            var result = new CycleResult(plan, verdict, boot, reached, errorAt is not null);
            return new CycleRun(result, machine.Serial.Log, machine.Describe());
        }
    }

    /// <summary>A boot that must only recover and commit once (a crash state, the campaign's last boot).</summary>
    public static async Task<CycleRun> RecoverAsync(QemuOptions options, CyclePlan plan, BootExpectation expect,
        int checkpointIntervalMs, TimeSpan bootLimit, CancellationToken cancel)
    {
        var clock = Stopwatch.StartNew();
        QemuMachine machine = await QemuMachine.StartAsync(options, cancel: cancel).ConfigureAwait(false);
        await using (machine.ConfigureAwait(false))
        {
            TimeSpan? boot = await WaitForRecoveryAsync(machine, expect, clock, bootLimit, cancel).ConfigureAwait(false);
            bool committed = false;
            if (boot is not null)
            {
                try
                {
                    await machine.Serial.WaitForLineAsync(Committed, PlugPlanner.LivenessLimit(checkpointIntervalMs), cancel)
                        .ConfigureAwait(false);
                    committed = true;
                }
                catch (SerialWaitException)
                {
                }
            }
            bool endedByItself = !machine.IsRunning;
            QemuExit exit = await machine.KillAsync().ConfigureAwait(false);
            var facts = new BootFacts(Cut: committed && !endedByItself, MustCommit: true, RanLiveness: boot is not null && !committed);
            CycleVerdict verdict = Judge(machine, expect, facts, exit, endedByItself, boot, bootLimit);
            return new CycleRun(new CycleResult(plan, verdict, boot, false, false), machine.Serial.Log, machine.Describe());
        }
    }

    private static CycleVerdict Judge(QemuMachine machine, BootExpectation expect, BootFacts facts, QemuExit exit,
        bool endedByItself, TimeSpan? boot, TimeSpan bootLimit)
    {
        CycleVerdict verdict = PlugJudge.Judge(machine.Serial.CompleteLines, expect, facts);
        if (verdict.Failure is null && (endedByItself || exit.Kind != QemuExitKind.Killed))
        {
            verdict = verdict with { Failure = $"QEMU ended before the cut: {exit.Message}" };
        }
        if (verdict.Failure is null && boot is null && !facts.Cut)
        {
            verdict = verdict with { Failure = $"recovery did not settle within {bootLimit.TotalSeconds:0} s" };
        }
        return verdict;
    }

    /// <summary>Waits until the log settles recovery (<see cref="PlugJudge.Settled"/>); returns the time from QEMU's
    /// start, or null if the log failed or never settled (QEMU ended, or the limit passed).</summary>
    private static async Task<TimeSpan?> WaitForRecoveryAsync(QemuMachine machine, BootExpectation expect, Stopwatch clock,
        TimeSpan limit, CancellationToken cancel)
    {
        while (clock.Elapsed < limit && !PlugJudge.Settled(machine.Serial.CompleteLines, expect))
        {
            if (!machine.IsRunning || machine.Serial.IsClosed)
            {
                break;
            }
            await Task.Delay(Tick, cancel).ConfigureAwait(false);
        }
        return PlugJudge.Recovered(machine.Serial.CompleteLines, expect) && !machine.Serial.CompleteLines.Any(PlugLines.Failure().IsMatch)
            ? clock.Elapsed : null;
    }

    /// <summary>
    /// Write mode: wait for QEMU to report the injected error (from the start: it may hit the boot's own redo
    /// of migration), or until the liveness limit after recovery; then give the kernel the liveness limit to
    /// answer it: a <c>checkpoint: stopped</c> line for a persistent error, a commit after recovery for a
    /// transient one.
    /// </summary>
    private static async Task<(TimeSpan? Boot, int? ErrorAt, bool TimedOut, bool MustCommit)> WriteCutAsync(
        QemuMachine machine, BootExpectation expect, WriteFault fault, Stopwatch clock, TimeSpan bootLimit, TimeSpan liveness,
        CancellationToken cancel)
    {
        TimeSpan? boot = null;
        TimeSpan deadline = bootLimit;
        int? errorAt = null;
        while (machine.IsRunning && clock.Elapsed < deadline)
        {
            if (machine.Qmp!.Events.Any(e => e.Name == "BLOCK_IO_ERROR"))
            {
                errorAt = machine.Serial.CompleteLines.Count;
                break;
            }
            if (boot is null && PlugJudge.Settled(machine.Serial.CompleteLines, expect))
            {
                boot = clock.Elapsed;
                deadline = boot.Value + liveness;
            }
            await Task.Delay(Tick, cancel).ConfigureAwait(false);
        }
        if (errorAt is null)
        {
            return (Recovered(machine, expect, boot), null, false, boot is not null && clock.Elapsed - boot.Value >= liveness);
        }
        TimeSpan answerBy = clock.Elapsed + liveness;
        while (machine.IsRunning && clock.Elapsed < answerBy && !Answered(machine, expect, fault, errorAt.Value))
        {
            await Task.Delay(Tick, cancel).ConfigureAwait(false);
        }
        boot ??= PlugJudge.Settled(machine.Serial.CompleteLines, expect) ? clock.Elapsed : null;
        bool timedOut = machine.IsRunning && !Answered(machine, expect, fault, errorAt.Value);
        return (Recovered(machine, expect, boot), errorAt, timedOut, false);
    }

    /// <summary>The settle time, only if the workload's recovery (not a failure line) settled it.</summary>
    private static TimeSpan? Recovered(QemuMachine machine, BootExpectation expect, TimeSpan? boot) =>
        boot is not null && PlugJudge.Recovered(machine.Serial.CompleteLines, expect) ? boot : null;

    private static bool Answered(QemuMachine machine, BootExpectation expect, WriteFault fault, int errorAt)
    {
        var lines = machine.Serial.CompleteLines;
        if (fault == WriteFault.Persistent)
        {
            return lines.Any(PlugLines.Stopped().IsMatch);
        }
        return PlugJudge.Recovered(lines, expect) && PlugJudge.Find(lines, Committed, errorAt, out _) >= 0;
    }

    /// <summary>Waits for a kill or power cut's instant; true if a cut after a phase saw its line.</summary>
    private static async Task<bool> WaitForCutAsync(QemuMachine machine, CyclePlan plan, int checkpointIntervalMs,
        CancellationToken cancel)
    {
        if (plan.Kind == CutKind.AfterDelay)
        {
            await DelayUnlessEndedAsync(machine, plan.Delay, cancel).ConfigureAwait(false);
            return false;
        }
        if (!await WaitForPhaseOfWorkAsync(machine, plan.Target, PlugPlanner.PhaseWaitLimit(checkpointIntervalMs), cancel)
                .ConfigureAwait(false))
        {
            return false;
        }
        await DelayUnlessEndedAsync(machine, plan.Delay, cancel).ConfigureAwait(false);
        return true;
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
