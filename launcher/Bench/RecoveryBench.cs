using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.Linq;
using System.Text.RegularExpressions;
using System.Threading;
using System.Threading.Tasks;
using CapOS.Harness;
using CapOS.Launcher.Plug;

namespace CapOS.Launcher.Bench;

/// <summary>One recovery: the host's and the guest's view of how long it took.</summary>
/// <param name="HostMs">Host wall time from starting QEMU to the <c>mutator: recovered</c> line.</param>
/// <param name="StoreUs">The guest's <c>store: recovered in</c> figure: the store's recovery alone.</param>
/// <param name="AfterResetUs">The guest's TSC at the end of recovery: firmware and kernel set-up included.</param>
/// <param name="Seq">The recovered checkpoint.</param>
/// <param name="Step">The mutator's recovered step count.</param>
public sealed record RecoveryRun(double HostMs, double StoreUs, double AfterResetUs, long Seq, long Step)
{
    /// <summary>The snapshots of the first boot (the one that was killed) with dirty objects, in order.</summary>
    public IReadOnlyList<MutatorPause> Pauses { get; init; } = [];
}

/// <summary>A <c>checkpoint: snapshot seq=N dirty=D pause-us=X</c> line of a mutator boot.</summary>
/// <param name="Dirty">Objects the snapshot froze.</param>
/// <param name="PauseUs">The pause, guest time.</param>
public sealed record MutatorPause(long Dirty, double PauseUs);

/// <summary>
/// Phase 3 (docs/bench.md): recovery time from power-on to the mutator running again. Per run: boot a fresh
/// copy of plug.img with <c>mutator checkpoint-interval-ms=50</c>, wait for a <c>checkpoint: committed</c>
/// line, SIGKILL QEMU, boot the same disk again and time it to the <c>mutator: recovered</c> line. The second
/// boot is judged as the plug campaign judges a cycle (PlugJudge C1-C5), with the first boot's commits as
/// the floor: a figure from a wrong recovery is no figure.
/// </summary>
public static class RecoveryBench
{
    /// <summary>The table section.</summary>
    public const string Section = "recovery (plug.img, SIGKILL after a commit, boot again)";

    /// <summary>How long the first boot may take to commit a checkpoint.</summary>
    public static readonly TimeSpan CommitLimit = TimeSpan.FromSeconds(30);

    /// <summary>How long the second boot may take to recover.</summary>
    public static readonly TimeSpan RecoveryLimit = TimeSpan.FromSeconds(60);

    private static readonly Regex CommitSettled = Settled(@"checkpoint: committed seq=\d+ images=[1-9]");
    private static readonly Regex SnapshotLine =
        new(@"^checkpoint: snapshot seq=\d+ dirty=(?<dirty>\d+) pause-us=(?<pause>\d+(\.\d+)?)", RegexOptions.CultureInvariant);
    private static readonly Regex RecoverySettled = Settled("mutator: recovered ");

    /// <summary>Reads the second boot's lines; <paramref name="floor"/> is the newest valid header on the disk
    /// after the first boot's kill (the seq the second must recover).</summary>
    public static BootReading<RecoveryRun> Read(IReadOnlyList<string> lines, long floor, TimeSpan hostElapsed)
    {
        // The bench measures; the campaign judges contents (contract K1/K2), so only recovery and the floor here.
        CycleVerdict verdict = PlugJudge.Judge(lines, new BootExpectation(floor, new ContentsRecord<MutatorContents>(), CheckContents: false),
            new BootFacts(Cut: false));
        if (verdict.Failure is not null)
        {
            return BootReading<RecoveryRun>.Failed(verdict.Failure);
        }
        var store = lines.Select(l => BenchLines.StoreRecoveredIn().Match(l)).FirstOrDefault(m => m.Success);
        if (store is null)
        {
            return BootReading<RecoveryRun>.Failed("no 'store: recovered in' line");
        }
        return BootReading<RecoveryRun>.Measured(new RecoveryRun(hostElapsed.TotalMilliseconds,
            BenchLines.Number(store, "us"), BenchLines.Number(store, "reset"), verdict.RecoveredSeq!.Value, verdict.Step ?? 0));
    }

    /// <summary>The snapshot pauses of a mutator boot's lines, those with dirty objects only.</summary>
    public static IReadOnlyList<MutatorPause> ReadPauses(IReadOnlyList<string> lines) =>
        [.. lines.Select(l => SnapshotLine.Match(l)).Where(m => m.Success)
            .Select(m => new MutatorPause(long.Parse(m.Groups["dirty"].Value, CultureInfo.InvariantCulture), BenchLines.Number(m, "pause")))
            .Where(p => p.Dirty > 0)];

    /// <summary>The phase's rows over its runs (guest figures shown in ms); the first boots' snapshot pauses
    /// as one row (their dirty counts are whatever the mutator made, so they are pooled, range in the note).</summary>
    public static IReadOnlyList<BenchRow> Rows(IReadOnlyList<RecoveryRun> runs)
    {
        string seqs = string.Join(",", runs.Select(r => r.Seq).Distinct());
        List<MutatorPause> pauses = [.. runs.SelectMany(r => r.Pauses)];
        List<BenchRow> rows = pauses.Count == 0 ? [] :
        [
            new BenchRow(Section, "snapshot pause, mutator checkpoints", "us", [.. pauses.Select(p => p.PauseUs)])
            {
                Note = DirtyRange(pauses.Min(p => p.Dirty), pauses.Max(p => p.Dirty)),
            },
        ];
        return
        [
            .. rows,
            new BenchRow(Section, "QEMU start to mutator running (host)", "ms", [.. runs.Select(r => r.HostMs)])
            {
                Note = $"recovered seq {seqs}",
            },
            new BenchRow(Section, "store recovery (guest)", "ms", [.. runs.Select(r => r.StoreUs / 1000)]),
            new BenchRow(Section, "reset to store recovered (guest)", "ms", [.. runs.Select(r => r.AfterResetUs / 1000)]),
        ];
    }

    /// <summary>"dirty 29-32", or "dirty 29" when every snapshot froze as many.</summary>
    public static string DirtyRange(long least, long most) =>
        least == most ? string.Create(CultureInfo.InvariantCulture, $"dirty {least}")
            : string.Create(CultureInfo.InvariantCulture, $"dirty {least}-{most}");

    /// <summary>One run: a boot that commits, a kill, a timed boot that recovers.</summary>
    public static async Task<BootReading<RecoveryRun>> RunOnceAsync(RepositoryLayout layout, BenchImages images,
        string plugImage, bool deterministic, CancellationToken cancel)
    {
        QemuOptions options = CapOSBoot.TestKernel(layout, BenchLines.RecoveryCommandLine, Accelerator.Tcg,
            images.CopyOf(plugImage)) with { Deterministic = deterministic };
        long floor;
        IReadOnlyList<MutatorPause> pauses;
        QemuMachine first = await QemuMachine.StartAsync(options, cancel: cancel).ConfigureAwait(false);
        await using (first.ConfigureAwait(false))
        {
            BootReading<RecoveryRun>? problem = await WaitForCommitAsync(first, cancel).ConfigureAwait(false);
            if (problem is not null)
            {
                return problem;
            }
            await first.KillAsync().ConfigureAwait(false);
            floor = Plug.Disk.DiskHeaders.Read(options.DiskImage!).Newest;
            pauses = ReadPauses(first.Serial.CompleteLines);
        }
        var clock = Stopwatch.StartNew();
        QemuMachine second = await QemuMachine.StartAsync(options, cancel: cancel).ConfigureAwait(false);
        await using (second.ConfigureAwait(false))
        {
            TimeSpan elapsed = RecoveryLimit;
            try
            {
                await second.Serial.WaitForLineAsync(RecoverySettled, RecoveryLimit, cancel).ConfigureAwait(false);
                elapsed = clock.Elapsed;
            }
            catch (SerialWaitException)
            {
                // Read below says what is missing.
            }
            await second.KillAsync().ConfigureAwait(false);
            BootReading<RecoveryRun> reading = Read(second.Serial.CompleteLines, floor, elapsed);
            return reading.Value is RecoveryRun run ? BootReading<RecoveryRun>.Measured(run with { Pauses = pauses })
                : reading.Failure is null ? reading : BenchBoot.WithEvidence(reading, second);
        }
    }

    /// <summary>Null once a checkpoint committed; else why the run cannot go on.</summary>
    private static async Task<BootReading<RecoveryRun>?> WaitForCommitAsync(QemuMachine machine, CancellationToken cancel)
    {
        try
        {
            await machine.Serial.WaitForLineAsync(CommitSettled, CommitLimit, cancel).ConfigureAwait(false);
        }
        catch (SerialWaitException)
        {
            if (!machine.IsRunning || machine.Serial.IsClosed)
            {
                QemuExit exit = await machine.KillAsync().ConfigureAwait(false);
                return BenchBoot.WithEvidence(BootReading<RecoveryRun>.Failed($"QEMU ended before a checkpoint committed ({exit.Message})"), machine);
            }
            return BootReading<RecoveryRun>.NotAvailable(
                $"no 'checkpoint: committed' line with images within {CommitLimit.TotalSeconds:0} s of a boot with '{BenchLines.RecoveryCommandLine}' (this kernel takes no checkpoints yet)");
        }
        if (BenchBoot.FailureLine(machine.Serial.Lines) is string failure)
        {
            return BenchBoot.WithEvidence(BootReading<RecoveryRun>.Failed(failure), machine);
        }
        return null;
    }

    /// <summary>The line <paramref name="goalPattern"/> (a regular expression) or any failure line.</summary>
    private static Regex Settled(string goalPattern) =>
        new($"^({goalPattern}|store: cannot boot:|mutator: invariant broken:|checkpoint: check failed:|checkpoint: failed|PANIC:|EXCEPTION )",
            RegexOptions.CultureInvariant);
}
