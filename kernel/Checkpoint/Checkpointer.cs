using CapOS.Kernel.DiskFormat;
using CapOS.Kernel.Io;
using CapOS.Kernel.ObjectCache;

namespace CapOS.Kernel.Checkpoint;

/// <summary>
/// The running checkpoint: triggers, the snapshot, and the pump that drives the writer and the
/// migrator and turns their progress into commits, released objects and serial lines
/// (docs/checkpoint.md "Snapshot and copy-on-write", "Triggers"; EROS SOSP'99 §3.5).
/// </summary>
/// <remarks>
/// Theory of operation. A checkpoint is asked for (<see cref="Request"/>) by the interval, the
/// checkpoint key, the reservation (refused, or past the threshold) and a cache full of dirty
/// objects. <see cref="Pump"/> (idle loop and after disk interrupts on metal, the test loop on the
/// host) pumps the writer, then: releases the copy-on-write state once the images are written,
/// handles a commit (objects of s clean unless dirtied again, the cache's directory view = s's
/// directory, tag-pot cache invalidated) or a failure (objects dirty again, retried at the next
/// trigger), reports migration, and takes the snapshot when one is asked for and the writer is
/// Idle. The snapshot (<see cref="TakeCheckpoint"/>, the pause) is one atomic kernel operation whose work
/// is bounded by fixed tables (I5): process write-back, the bounded checks C6 and C7, Begin, the restart list,
/// the reservation's generation swap, write-protection of the writable-mapping list and the freeze of every
/// dirty object by swapping two bitmaps. Then, from the pump, while processes run: the build (the frozen objects
/// recorded with their checks C1, C3, C4, C5, pages and pots handed to the writer, pot reads) a bounded step
/// per pump, Stabilize, and the check pass (C1, C3, C4, C5 and the clean check C2 over every cached object)
/// a bounded step per pump while the writer's commit is held (CheckpointWriter.HoldCommit); a failure aborts
/// the checkpoint (I3).
/// I1: at most one snapshot is being written (writer not Idle), so at a snapshot no object is pending.
/// I2: after the commit of s and until the commit of s+1, CheckpointDirectory holds exactly s's
/// directory, so an object fault reads s's log image or home (CheckpointerTests.EvictedObjectRefaultsFromTheNewLog).
/// I3: after a failed consistency check (structural in the pause, or clean during stabilization)
/// nothing is committed again (Stopped), the checkpoint being written included.
/// I4 (K4): a disk write that gave up after its bounded retries (log, directory, header, migration at run
/// time or at boot) stops checkpointing loudly: `checkpoint: stopped ...` when it stops and again once per
/// interval (Checkpointer.Stop.cs); the last committed checkpoint stays recoverable (WriteErrorTests).
/// I5: the pause visits no cached object and no object of the snapshot: every step of it is O(1) or bounded
/// by a fixed table (process table, writable-mapping list), so its cost does not grow with the dirty set
/// (SnapshotTests.ThePauseRecordsNothingAndAWriteAnywhereInTheBuildKeepsTheSnapshotBytes: nothing recorded at
/// the pause; figures in docs/bench.md).
/// </remarks>
public static unsafe partial class Checkpointer
{
    private static CheckpointReason s_reason;
    private static bool s_ready;
    private static bool s_writing;
    private static bool s_stopped;
    private static bool s_migrating;
    private static bool s_migrationFailed;
    private static ulong s_writingSequence;
    private static ulong s_intervalTicks;
    private static ulong s_lastTick;

    /// <summary>The processes stalled on the checkpoint were woken and the interval put off since the last snapshot
    /// (WakeBeforeTheNextInterval: once per checkpoint). Set there, cleared by TakeCheckpoint.</summary>
    private static bool s_deferred;
    private static ulong s_lastPauseCycles;
    private static ulong s_lastCheckCycles;
    private static ulong s_stabilizeStart;
    private static ulong s_lastStabilizeCycles;
    private static ulong s_migrateStart;
    private static ulong s_lastMigrateCycles;
    private static bool s_checkFailed;
    private static bool s_building;
    private static uint s_lastDirty;
    private static delegate*<ulong, void> s_snapshotObserver;

    /// <summary>True once initialized and adopted.</summary>
    public static bool Ready => s_ready;

    /// <summary>The pending request (None when none).</summary>
    public static CheckpointReason Pending => s_reason;

    /// <summary>
    /// True once checkpointing stopped for good (I3, I4): a failed consistency check, or a disk write that
    /// gave up after its retries (K4; Checkpointer.Stop.cs). No checkpoint is taken any more.
    /// </summary>
    public static bool Stopped => s_stopped;

    /// <summary>True while a snapshot is being written and not yet committed or failed.</summary>
    public static bool Writing => s_writing;

    /// <summary>Cycles of the last snapshot's pause (check + freeze).</summary>
    public static ulong LastPauseCycles => s_lastPauseCycles;

    /// <summary>Cycles of the last snapshot's consistency check (part of the pause).</summary>
    public static ulong LastCheckCycles => s_lastCheckCycles;

    /// <summary>Cycles from the end of the last snapshot operation (build, Stabilize) to its commit.</summary>
    public static ulong LastStabilizeCycles => s_lastStabilizeCycles;

    /// <summary>Cycles from the last commit to its Migrated copy being durable (0 when none was needed).</summary>
    public static ulong LastMigrateCycles => s_lastMigrateCycles;

    /// <summary>True while a checkpoint has been committed and is still being migrated.</summary>
    public static bool Migrating => s_migrating;

    /// <summary>Objects frozen by the last snapshot.</summary>
    public static uint LastDirty => s_lastDirty;

    /// <summary>Timer ticks between interval checkpoints (0: none).</summary>
    public static ulong IntervalTicks => s_intervalTicks;

    /// <summary>
    /// Sets the function called inside every checkpoint operation right after the snapshot line, with the
    /// snapshot's sequence, while the frozen objects are still exactly the snapshot (null: none). The seam for
    /// a workload that reports what each snapshot captured (the mutator, docs/mutator.md), so that the
    /// checkpointer does not depend on it. Initialize clears it.
    /// </summary>
    public static void SetSnapshotObserver(delegate*<ulong, void> observer) => s_snapshotObserver = observer;

    /// <summary>Asks for a checkpoint; the pump takes it when the writer is Idle. The first reason is kept.</summary>
    public static void Request(CheckpointReason reason)
    {
        if (s_reason == CheckpointReason.None)
        {
            s_reason = reason;
        }
    }

    /// <summary>Sets the interval in milliseconds (0: no interval checkpoints).</summary>
    public static void SetInterval(ulong milliseconds)
    {
        ulong hz = Machine.TimerHz();
        s_intervalTicks = milliseconds == 0 ? 0 : System.Math.Max((milliseconds * hz) / 1000, 1UL);
        s_lastTick = Machine.TimerTicks();
    }

    /// <summary>One step of the whole checkpoint: pump the I/O, then commit, report, trigger. Never blocks.</summary>
    public static void Pump()
    {
        if (!s_ready)
        {
            return;
        }

        AdvanceCleanCheck();
        CheckpointWriter.Pump();
        AdvanceWriting();
        AdvanceMigration();
        RepeatStopped();
        WakeBeforeTheNextInterval();
        if (s_reason == CheckpointReason.None && s_intervalTicks != 0 && Machine.TimerTicks() - s_lastTick >= s_intervalTicks)
        {
            s_reason = CheckpointReason.Interval;
        }

        if (s_reason != CheckpointReason.None && !s_writing && !s_stopped && CheckpointWriter.Phase == CheckpointPhase.Idle)
        {
            TakeCheckpoint();
        }

        WakeStalled();
    }

    /// <summary>
    /// Wakes the processes whose reason to wait is gone (docs/process.md "stall queues"): the checkpoint key's
    /// invokers once no checkpoint is being written (or checkpointing stopped: they get their answer at once);
    /// writers of pending pages once the images are written.
    /// </summary>
    private static void WakeStalled()
    {
        if (!Busy || s_stopped)
        {
            Process.Stall.Wake(Process.StallReason.Checkpoint);
        }

        if (!Snapshot.ImagesHeld)
        {
            Process.Stall.Wake(Process.StallReason.ImageWrite);
        }
    }

    /// <summary>
    /// Liveness of the processes stalled on the checkpoint (the checkpoint key's invokers; a rescind, a gate or a
    /// write waiting for log room or cache entries, which come free at the commit): when the writer is Idle and some
    /// wait, they are woken and the interval checkpoint is put off by a quarter interval (at least a tick), once per
    /// checkpoint, so they can run before the next one starts. Without this, checkpoints that take longer than the
    /// interval run back to back: each pump that finds the writer Idle starts the next one before waking them, and
    /// a woken one that runs finds it Busy again and stalls again, for ever (found by `./capos fuzz` with the
    /// services: a fuzzer stalled on its checkpoint key and the bank server in a rescind while 180 checkpoints
    /// committed; CheckpointKeyTests). Once per checkpoint, and short: processes stalled on a full cache stall again
    /// at once, and putting the interval off at every wake would leave only threshold checkpoints (the services
    /// workload's pipe ran 8 times slower).
    /// </summary>
    private static void WakeBeforeTheNextInterval()
    {
        if (Busy || s_stopped || s_deferred || Process.Stall.Wake(Process.StallReason.Checkpoint) == 0)
        {
            return;
        }

        s_deferred = true;
        ulong now = Machine.TimerTicks();
        ulong defer = System.Math.Max(s_intervalTicks / 4, 1UL);
        ulong due = now + System.Math.Min(defer, s_intervalTicks); // never earlier than it was due anyway
        if (due > s_lastTick + s_intervalTicks)
        {
            s_lastTick = due - s_intervalTicks;
        }
        if (s_reason == CheckpointReason.Interval)
        {
            s_reason = CheckpointReason.None;
        }
    }

    /// <summary>True while a checkpoint is being written or its writer is not Idle: no snapshot can be taken now.</summary>
    public static bool Busy => s_writing || CheckpointWriter.Phase != CheckpointPhase.Idle;

    /// <summary>
    /// The checkpoint key's "checkpoint now", as one atomic kernel operation that never waits: takes the
    /// snapshot when the writer is Idle (<paramref name="sequence"/> = its sequence, 0 if it failed); Busy when
    /// one is being written (the invoker stalls until it ends, then invokes again: docs/process.md); Stopped
    /// when checkpointing is stopped or not running.
    /// </summary>
    public static CheckpointNowResult TryCheckpointNow(out ulong sequence)
    {
        sequence = 0;
        if (!s_ready || s_stopped)
        {
            return CheckpointNowResult.Stopped;
        }

        if (Busy)
        {
            return CheckpointNowResult.Busy;
        }

        sequence = TakeCheckpoint();
        return CheckpointNowResult.Taken;
    }

    /// <summary>Pumps until nothing is being written or migrated (tests, the benchmark, shutdown).</summary>
    public static void Drain()
    {
        while (s_ready && (s_writing || s_migrating || CheckpointWriter.Phase != CheckpointPhase.Idle) && !s_migrationFailed
            && CheckpointWriter.Phase != CheckpointPhase.Failed)
        {
            Pump();
            BlockDevice.Wait();
        }

        Pump();
    }

    /// <summary>
    /// Check, snapshot, build, stabilize: one atomic kernel operation. Returns the sequence being
    /// written, 0 when nothing was started (check failed, or the snapshot could not be built).
    /// </summary>
    public static ulong TakeCheckpoint()
    {
        s_reason = CheckpointReason.None;
        s_lastTick = Machine.TimerTicks();
        s_deferred = false;
        ulong start = Machine.CycleCounter();
        bool written = Process.ProcessTable.WriteBackAll(); // P3: the snapshot captures every process
        bool sound = ConsistencyCheck.RunInPause() == CheckFailure.None;
        s_lastCheckCycles = Machine.CycleCounter() - start;
        if (!sound)
        {
            ConsistencyCheck.Report();
            Stop(Generation.Sequence + 1, StopReason.ConsistencyCheck, CheckpointError.None, DiskError.None, 0);
            return 0;
        }

        if (!written)
        {
            // Reservation I3 keeps room for every write-back, so this is a kernel bug; a snapshot without every
            // process would be inconsistent, so none is taken (and the check's failure stops checkpointing).
            CheckpointMessages.Failed(Generation.Sequence + 1, "process write-back: ", CheckpointError.LogFull, DiskError.None);
            Stop(Generation.Sequence + 1, StopReason.ProcessWriteBack, CheckpointError.LogFull, DiskError.None, 0);
            return 0;
        }

        if (CheckpointWriter.Begin() != CheckpointError.None)
        {
            return 0;
        }

        ulong sequence = CheckpointWriter.Sequence;
        Diagnostics.Panic.Assert(Process.ProcessTable.FillRestartList(CheckpointWriter.PendingHeader),
            "checkpoint: the process table outgrew the restart list");
        CheckpointWriter.PendingHeader->PersistentTimeMs = Process.PersistentTime.NowMs; // sleepers resume from it
        Reservation.CloseGeneration();
        Process.Stall.Wake(Process.StallReason.LogSpace); // the new generation has the whole reservation
        bool taken = Snapshot.Take();
        s_lastPauseCycles = Machine.CycleCounter() - start;
        s_lastDirty = Snapshot.FrozenAtPause;
        if (!taken)
        {
            Fail(sequence, CheckpointError.LogFull, DiskError.None);
            return 0;
        }

        CheckpointMessages.Snapshot(sequence, s_lastDirty, Microseconds(s_lastPauseCycles), Microseconds(s_lastCheckCycles));
        if (s_snapshotObserver != null)
        {
            s_snapshotObserver(sequence);
        }

        // The rest runs from the pump while processes run (I5): the frozen objects are recorded and handed to
        // the writer (Snapshot.Advance), then the writer stabilizes, then the check pass; the commit is held
        // until the pass is sound.
        s_writing = true;
        s_building = true;
        s_writingSequence = sequence;
        CheckpointWriter.HoldCommit(true);
        s_stabilizeStart = Machine.CycleCounter();
        return sequence;
    }

    /// <summary>
    /// One bounded step of the snapshot's build (<see cref="BuildObjectsPerStep"/> objects); at its end the
    /// writer stabilizes and the check pass starts. A recorded object that failed its check stops checkpointing
    /// (I3); a snapshot that did not fit, or a pot that could not be read, fails the checkpoint (retried).
    /// </summary>
    private static void AdvanceBuild()
    {
        CheckpointError error = Snapshot.Advance(BuildObjectsPerStep, out bool done);
        if (ConsistencyCheck.Failure != CheckFailure.None)
        {
            s_writing = false;
            s_building = false;
            ConsistencyCheck.Report();
            Fail(s_writingSequence, CheckpointError.None, DiskError.None, report: false);
            Stop(s_writingSequence, StopReason.ConsistencyCheck, CheckpointError.None, DiskError.None, 0);
            return;
        }

        error = error == CheckpointError.None && done ? CheckpointWriter.Stabilize() : error;
        if (error != CheckpointError.None)
        {
            s_writing = false;
            s_building = false;
            Fail(s_writingSequence, error, Cache.LastDiskError);
            return;
        }

        if (done)
        {
            s_building = false;
            CheckpointMessages.Stabilize(s_writingSequence);
            ConsistencyCheck.BeginClean();
        }
    }

    /// <summary>Frozen objects recorded (or pages handed to the writer) per pump while the snapshot is built.</summary>
    public const uint BuildObjectsPerStep = 64;

    /// <summary>True from the pause until the snapshot is with the writer (stabilizing).</summary>
    public static bool Building => s_building;

    private static void AdvanceWriting()
    {
        if (!s_writing)
        {
            return;
        }

        if (s_building)
        {
            AdvanceBuild();
            return;
        }

        CheckpointPhase phase = CheckpointWriter.Phase;
        if (Snapshot.ImagesHeld && CheckpointWriter.ImagesWritten)
        {
            Snapshot.ReleaseImages();
        }

        if (s_checkFailed && (phase == CheckpointPhase.AwaitingMigration || phase == CheckpointPhase.Failed))
        {
            // The clean check failed (I3): the written images are dropped, nothing was committed.
            s_writing = false;
            CheckpointWriter.Abort();
            CheckpointWriter.HoldCommit(false);
            Snapshot.Unwind();
        }
        else if (phase == CheckpointPhase.Failed && CheckpointWriter.HeaderFailed)
        {
            // The header write gave up (writer I5); it may have landed, so this sequence is never retried in
            // the same half: checkpointing stops, the objects stay dirty, and the next boot's recovery decides
            // which checkpoint is the newest (the disk holds s - 1 or s, both committed).
            s_writing = false;
            ConsistencyCheck.CancelClean();
            Snapshot.Unwind();
            Stop(s_writingSequence, CheckpointWriter.FailedWhat, CheckpointError.IoError, CheckpointWriter.LastDiskError, CheckpointWriter.FailedTries);
        }
        else if (phase == CheckpointPhase.Failed)
        {
            // A log or directory write or the log flush gave up after its retries (writer I6): nothing of s
            // was committed; the objects are dirty again and checkpointing stops (K4).
            s_writing = false;
            Fail(s_writingSequence, CheckpointWriter.Error, CheckpointWriter.LastDiskError, report: false);
            Stop(s_writingSequence, CheckpointWriter.FailedWhat, CheckpointWriter.Error, CheckpointWriter.LastDiskError, CheckpointWriter.FailedTries);
        }
        else if (phase == CheckpointPhase.Idle && Generation.Sequence == s_writingSequence)
        {
            s_writing = false;
            Committed();
        }
    }

    /// <summary>
    /// The clean check (C2) after the pause, a bounded step per pump, while the writer holds the commit;
    /// done and sound: the commit may go; failed: report, stop checkpointing, abort once the writes ended.
    /// </summary>
    private static void AdvanceCleanCheck()
    {
        if (!s_writing || s_building || s_checkFailed || !CheckpointWriter.CommitHeld || ConsistencyCheck.AdvanceClean(ConsistencyCheck.CleanObjectsPerStep))
        {
            return;
        }

        if (ConsistencyCheck.Failure == CheckFailure.None)
        {
            CheckpointWriter.HoldCommit(false);
            return;
        }

        s_checkFailed = true;
        ConsistencyCheck.Report();
        Stop(s_writingSequence, StopReason.ConsistencyCheck, CheckpointError.None, DiskError.None, 0);
    }

    private static void Committed()
    {
        ulong now = Machine.CycleCounter();
        s_lastStabilizeCycles = now - s_stabilizeStart;
        s_migrateStart = now;
        Snapshot.Commit();
        SwitchDirectory();
        TagPotCache.InvalidateAll();
        CheckpointHeader* header = Generation.Current;
        CheckpointMessages.Committed(header->Sequence, CheckpointWriter.ImageCount, header->LogAreaCount, Snapshot.CopiesThisCheckpoint);
        s_migrating = !Generation.Migrated;
        if (s_migrating)
        {
            CheckpointMessages.Migrate(header->Sequence);
        }
    }

    /// <summary>The cache's view of the store becomes the new checkpoint's directory (I2).</summary>
    private static void SwitchDirectory()
    {
        CheckpointDirectory.Clear();
        for (uint i = 0; i < CheckpointWriter.EntryCount; i++)
        {
            CheckpointDirectory.Add(CheckpointWriter.DirectoryEntryAt(i));
        }
    }

    private static void AdvanceMigration()
    {
        if (!s_migrating)
        {
            return;
        }

        if (Generation.Migrated)
        {
            s_lastMigrateCycles = Machine.CycleCounter() - s_migrateStart;
            s_migrating = false;
            CheckpointMessages.Migrated(Generation.Sequence);
        }
        else if (Migrator.Phase == MigrationPhase.Failed && !s_migrationFailed)
        {
            // Migrator I3 gave up: s stays committed and unmigrated (R2 keeps its log), recovery redoes it.
            s_migrationFailed = true;
            Stop(Generation.Sequence, StopReason.Migration, Migrator.Error, Migrator.LastDiskError, Migrator.RetryLimit);
        }
    }

    /// <summary>Nothing was committed: the objects go into the next attempt (at the next trigger).</summary>
    private static void Fail(ulong sequence, CheckpointError error, DiskError disk, bool report = true)
    {
        if (report)
        {
            CheckpointMessages.Failed(sequence, "", error, disk);
        }

        ConsistencyCheck.CancelClean();
        CheckpointWriter.HoldCommit(false);
        CheckpointWriter.Abort();
        Snapshot.Unwind();
    }

    internal static ulong Microseconds(ulong cycles)
    {
        ulong hz = Machine.CycleCounterHz();
        return hz == 0 ? 0 : (cycles / hz * 1000000) + (cycles % hz * 1000000 / hz);
    }
}
