using CapOS.Kernel.DiskFormat;

namespace CapOS.Kernel.Checkpoint;

/// <summary>Setting the running checkpoint up after recovery (docs/checkpoint.md "At boot").</summary>
public static unsafe partial class Checkpointer
{
    /// <summary>Largest number of pots the snapshot tables hold.</summary>
    public const uint MaxPots = 4096;

    /// <summary>Largest number of pages the snapshot tables hold (65,536 dirty pages, 256 MiB, and some slack: docs/bench.md).</summary>
    public const uint MaxPages = 69632;

    /// <summary>Largest number of spare pages for copy-on-write (then writes wait for the device).</summary>
    public const uint MaxCopies = 256;

    /// <summary>Bytes <see cref="Initialize"/> needs for a log of <paramref name="logPageCount"/> pages.</summary>
    public static ulong RequiredBytes(uint logPageCount, uint recoveredEntries)
    {
        Sizes(logPageCount, recoveredEntries, out uint pots, out uint pages, out uint copies, out uint entries);
        return RoundUp(CheckpointWriter.WorkspaceBytesFor(logPageCount)) + Snapshot.RequiredBytes(pots, pages, copies)
            + RoundUp(Reservation.RequiredBytes(pots, pages)) + RoundUp(CheckpointDirectory.RequiredBytes(entries));
    }

    /// <summary>
    /// Binds the writer to <paramref name="volume"/>, adopts the recovered header <paramref name="recovered"/>
    /// (from <paramref name="slot"/>), moves the cache's directory view into <paramref name="memory"/> (page
    /// aligned, <see cref="RequiredBytes"/>, owned from now on) with room for any checkpoint's directory,
    /// starts the reservation and the interval (<paramref name="intervalMs"/>, 0: the header's).
    /// False when the memory is too small.
    /// </summary>
    public static bool Initialize(VolumeHeader* volume, CheckpointHeader* recovered, int slot, byte* memory, ulong bytes, ulong intervalMs)
    {
        s_ready = false;
        uint logPages = (uint)VolumeHeader.Range(volume, VolumeLayout.FindLogRange(volume))->PageCount;
        Sizes(logPages, CheckpointDirectory.Count, out uint pots, out uint pages, out uint copies, out uint entries);
        if (memory == null || bytes < RequiredBytes(logPages, CheckpointDirectory.Count))
        {
            return false;
        }

        ulong workspace = RoundUp(CheckpointWriter.WorkspaceBytesFor(logPages));
        if (!CheckpointWriter.Initialize(volume, memory, (nuint)workspace))
        {
            return false;
        }

        Generation.Adopt(recovered, slot);
        Process.PersistentTime.Resume(recovered->PersistentTimeMs);
        byte* next = memory + workspace;
        Snapshot.Initialize(next, pots, pages, copies);
        next += Snapshot.RequiredBytes(pots, pages, copies);
        Reservation.Initialize(next, pots, pages);
        next += RoundUp(Reservation.RequiredBytes(pots, pages));
        MoveDirectory(next, RoundUp(CheckpointDirectory.RequiredBytes(entries)), entries);
        s_reason = CheckpointReason.None;
        s_writing = false;
        s_stopped = false;
        s_migrating = false;
        s_migrationFailed = false;
        s_checkFailed = false;
        s_building = false;
        s_snapshotObserver = null;
        s_stopWhat = StopReason.None;
        CheckpointWriter.HoldCommit(false);
        SetInterval(intervalMs != 0 ? intervalMs : recovered->CheckpointIntervalMs);
        s_ready = true;
        return true;
    }

    /// <summary>
    /// Recovery's last step: a recovered checkpoint that is not Migrated is migrated again now, from
    /// the start (every step is an idempotent page copy), before the system runs. False on failure.
    /// </summary>
    public static bool RedoMigration()
    {
        if (Generation.Migrated)
        {
            return true;
        }

        CheckpointMessages.Migrate(Generation.Sequence);
        if (Migrator.Start() != CheckpointError.None || !Migrator.RunToCompletion())
        {
            // The recovered checkpoint stays unmigrated (its log intact): the next boot redoes it (I4).
            s_migrationFailed = true;
            Stop(Generation.Sequence, StopReason.MigrationAtBoot, Migrator.Error, Migrator.LastDiskError, Migrator.RetryLimit);
            return false;
        }

        CheckpointMessages.Migrated(Generation.Sequence);

        // Every object of the recovered checkpoint is at home now and its Migrated copy is durable: faults read
        // home from here on. The directory view is emptied so that no fault reads a log area that the next
        // checkpoint may write while it stabilizes (kernel checkpoints alternate halves, but imagegen lays
        // checkpoint 1 in the first half, which checkpoint 2 reuses). Found by stored processes faulting their
        // program pages in during checkpoint 2's stabilization.
        CheckpointDirectory.Clear();
        ObjectCache.TagPotCache.InvalidateAll();
        return true;
    }

    /// <summary>Re-lays the recovered directory in memory big enough for any checkpoint's (the old memory is left as it is).</summary>
    private static void MoveDirectory(byte* memory, ulong bytes, uint capacity)
    {
        DirectoryEntry* old = CheckpointDirectory.Entry(0);
        uint count = CheckpointDirectory.Count;
        CheckpointDirectory.Initialize(memory, bytes, capacity);
        for (uint i = 0; i < count; i++)
        {
            CheckpointDirectory.Add(old + i);
        }
    }

    private static void Sizes(uint logPages, uint recoveredEntries, out uint pots, out uint pages, out uint copies, out uint entries)
    {
        uint half = (logPages - DiskLayout.FirstAreaLid) / 2;
        pots = System.Math.Min(half, MaxPots);
        pages = System.Math.Min(half, MaxPages);
        copies = System.Math.Min(half, MaxCopies);
        entries = System.Math.Max(recoveredEntries, half * (uint)NodePot.NodeCapacity);
    }

    private static ulong RoundUp(ulong bytes) => (bytes + DiskLayout.PageSize - 1) & ~(ulong)(DiskLayout.PageSize - 1);
}
