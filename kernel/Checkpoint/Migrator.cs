using System.Runtime.InteropServices;
using CapOS.Kernel.DiskFormat;
using CapOS.Kernel.Io;

namespace CapOS.Kernel.Checkpoint;

/// <summary>
/// Migration: copies every image of the current checkpoint from the log to its home page,
/// then records Migrated (docs/checkpoint.md "Migration"; EROS SOSP'99 §3.5 migration;
/// KeyKOS migrator). Used after each commit and by recovery when the chosen header is not
/// Migrated (redone from the start: every step is an idempotent page copy).
/// </summary>
/// <remarks>
/// Theory of operation. The directory is read back from the log one page at a time
/// (DirectoryPage.Validate against the current header); for each entry with an image
/// (Lid != 0, consecutive node entries of one pot share one Lid and are copied once) a
/// copy slot reads the image (or a run of them, I4) from the log, checks its CRC against the entry (L1), and
/// writes it unchanged to its home page: the data page, the node pot or the tag pot
/// (VolumeLayout.Locate). Up to <see cref="Slots"/> copies are in flight. Then Flush, then
/// the header copy with Migrated set into the slot not holding the current header, then
/// Flush; only then does <see cref="Generation"/> say Migrated and the half become free.
/// Reading back rather than keeping the images in memory proves the log and lets the
/// snapshot release its copy-on-write frames as soon as they are written.
/// I1: a home page is written only with an image whose CRC equals its directory entry's.
/// I2: the Migrated copy is submitted only after a Flush submitted after every home write completed.
/// I3 (bounded retry): a failed transfer, or a directory page or image that fails its check, is
/// read or written again (a copy is idempotent and a device may return garbage once); after
/// <see cref="RetryLimit"/> consecutive failures with no good transfer in between migration stops
/// (Failed: IoError, BadDirectory or BadImage) and the owner reports it. The current checkpoint
/// then stays unmigrated, so its log is never overwritten (R2) and recovery redoes the copy:
/// nothing committed is lost (MigrationErrorTests).
/// I4 (runs): one copy moves a run of up to <see cref="PagesPerCopy"/> images whose LIDs are consecutive
/// and whose home pages are consecutive too, in one log read and one home write; the write is submitted
/// only when every image of the run has its entry's CRC (I1 per page), and a bad one rereads the whole run.
/// A torn multi-page home write is like a torn single one: recovery redoes migration from the log
/// (MigratorTests.ConsecutiveImagesAreCopiedInRuns, CrashAtEveryWriteTests).
/// </remarks>
public static unsafe partial class Migrator
{
    /// <summary>
    /// Copies in flight at most: 16 (was 8; docs/bench.md figures). The slots and the single request
    /// share one workspace page (16 * 96 + 48 bytes); the rereading mask has 32 bits.
    /// </summary>
    public const int Slots = 16;

    /// <summary>
    /// Images one copy moves at most: a run of consecutive LIDs whose home pages are consecutive too
    /// is one log read and one home write of up to this many pages (I4).
    /// </summary>
    public const int PagesPerCopy = 8;

    /// <summary>Workspace pages: header copy, directory page, requests, <see cref="PagesPerCopy"/> buffer pages per slot.</summary>
    public const int WorkspacePages = 3 + (Slots * PagesPerCopy);

    /// <summary>Consecutive failed or unverifiable transfers after which migration stops (I3).</summary>
    public const uint RetryLimit = 8;

    private const byte SlotFree = 0;
    private const byte SlotReading = 1;
    private const byte SlotWriting = 2;

    private static CheckpointHeader* s_copy;
    private static DirectoryPage* s_directory;
    private static CopySlot* s_slots;
    private static DiskRequest* s_single;
    private static byte* s_buffers;
    private static MigrationPhase s_phase;
    private static CheckpointError s_error;
    private static DiskError s_diskError;
    private static uint s_page;
    private static uint s_cursor;
    private static uint s_lastLid;
    private static uint s_inFlight;
    private static int s_copySlot;
    private static uint s_failures;
    private static uint s_rereading;

    /// <summary>Where migration is.</summary>
    public static MigrationPhase Phase => s_phase;

    /// <summary>Why migration failed (Failed), or the kind of the last retried error.</summary>
    public static CheckpointError Error => s_error;

    /// <summary>The last disk error seen (retried).</summary>
    public static DiskError LastDiskError => s_diskError;

    /// <summary>Copy requests in flight.</summary>
    public static uint InFlight => s_inFlight + (CheckpointIo.InFlight(s_single) ? 1u : 0u);

    /// <summary>Takes <see cref="WorkspacePages"/> page-aligned, cleared pages at <paramref name="workspace"/>.</summary>
    internal static void Initialize(byte* workspace)
    {
        s_copy = (CheckpointHeader*)workspace;
        s_directory = (DirectoryPage*)(workspace + DiskLayout.PageSize);
        s_slots = (CopySlot*)(workspace + (2 * DiskLayout.PageSize));
        s_single = (DiskRequest*)(s_slots + Slots);
        s_buffers = workspace + (3 * DiskLayout.PageSize);
        s_phase = MigrationPhase.Idle;
        s_error = CheckpointError.None;
        s_diskError = DiskError.None;
        s_inFlight = 0;
        s_failures = 0;
    }

    /// <summary>
    /// Starts migrating the current checkpoint (Generation.Current) from its first directory
    /// page. Recovery calls it when the chosen header is not Migrated; the writer after each commit.
    /// </summary>
    public static CheckpointError Start()
    {
        if (!Generation.Adopted)
        {
            return CheckpointError.NotInitialized;
        }

        if (Generation.Migrated || (s_phase != MigrationPhase.Idle && s_phase != MigrationPhase.Failed) || s_inFlight != 0)
        {
            return CheckpointError.WrongPhase;
        }

        for (int i = 0; i < Slots; i++)
        {
            s_slots[i].State = SlotFree;
            s_slots[i].Failures = 0;
        }

        s_page = 0;
        s_lastLid = DiskLayout.ZeroLid;
        s_error = CheckpointError.None;
        s_failures = 0;
        s_rereading = 0;
        CheckpointHeader* header = Generation.Current;
        if (header->DirectoryPageCount == 0)
        {
            CheckpointIo.PrepareFlush(s_single);
            s_phase = MigrationPhase.Flushing;
        }
        else
        {
            PrepareDirectoryRead();
        }

        return CheckpointError.None;
    }

    /// <summary>Polls the device and advances migration (and the writer, idle at boot) without waiting.</summary>
    public static void Pump() => CheckpointWriter.Pump();

    /// <summary>Boot-time recovery: pumps and waits until migration is done (true) or failed (false).</summary>
    public static bool RunToCompletion()
    {
        while (s_phase != MigrationPhase.Idle && s_phase != MigrationPhase.Failed)
        {
            Pump();
            if (s_phase != MigrationPhase.Idle && s_phase != MigrationPhase.Failed)
            {
                BlockDevice.Wait();
            }
        }

        return s_phase == MigrationPhase.Idle;
    }

    internal static void Advance(ref CheckpointStats stats)
    {
        switch (s_phase)
        {
            case MigrationPhase.ReadingDirectory:
                AdvanceReadingDirectory(ref stats);
                break;
            case MigrationPhase.Copying:
                AdvanceCopying(ref stats);
                break;
            case MigrationPhase.Flushing:
            case MigrationPhase.WritingHeader:
            case MigrationPhase.FlushingHeader:
                AdvanceCommitSteps(ref stats);
                break;
            case MigrationPhase.Failed:
                AdvanceFailed(ref stats);
                break;
        }
    }

    private static void PrepareDirectoryRead()
    {
        uint lid = Generation.Current->DirectoryFirst + s_page;
        CheckpointIo.PreparePage(s_single, DiskOperation.Read, Generation.LogPage(lid), (byte*)s_directory);
        s_phase = MigrationPhase.ReadingDirectory;
    }

    private static void AdvanceReadingDirectory(ref CheckpointStats stats)
    {
        if (!DriveSingle(ref stats))
        {
            return;
        }

        stats.LogPagesRead++;
        stats.LogReads++;
        s_single->Status = DiskStatus.Idle;
        if (DirectoryPage.Validate(s_directory, Generation.Current, s_page, Generation.LogPageCount) != FormatError.None)
        {
            // Read it again: a device may return garbage once; the same page again and again is fatal.
            if (Retry(CheckpointError.BadDirectory, ref stats))
            {
                PrepareDirectoryRead();
            }

            return;
        }

        s_failures = 0;
        s_cursor = 0;
        s_phase = MigrationPhase.Copying;
        AdvanceCopying(ref stats);
    }

    private static void AdvanceCommitSteps(ref CheckpointStats stats)
    {
        if (!DriveSingle(ref stats))
        {
            return;
        }

        s_failures = 0;
        if (s_phase == MigrationPhase.Flushing)
        {
            stats.Flushes++;
            NativeMemory.Copy(Generation.Current, s_copy, DiskLayout.PageSize);
            s_copy->Flags |= CheckpointFlags.Migrated;
            PageSeal.Seal((byte*)s_copy);
            s_copySlot = CheckpointHeader.NextSlot(Generation.Slot);
            CheckpointIo.PreparePage(s_single, DiskOperation.Write, Generation.LogPage((uint)s_copySlot), (byte*)s_copy);
            s_phase = MigrationPhase.WritingHeader;
            DriveSingle(ref stats);
        }
        else if (s_phase == MigrationPhase.WritingHeader)
        {
            stats.HeadersWritten++;
            CheckpointIo.PrepareFlush(s_single);
            s_phase = MigrationPhase.FlushingHeader;
            DriveSingle(ref stats);
        }
        else
        {
            stats.Flushes++;
            stats.Migrated++;
            s_single->Status = DiskStatus.Idle;
            Generation.MarkMigrated(s_copy, s_copySlot);
            s_phase = MigrationPhase.Idle;
        }
    }
}
