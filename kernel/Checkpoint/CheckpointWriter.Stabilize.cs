using CapOS.Kernel.DiskFormat;
using CapOS.Kernel.Io;

namespace CapOS.Kernel.Checkpoint;

/// <summary>
/// Stabilization and commit: the writer's state machine, advanced by <see cref="Pump"/>
/// (docs/checkpoint.md "Theory of operation"; the protocol is docs/disk-format.md "Commit protocol").
/// </summary>
public static unsafe partial class CheckpointWriter
{
    /// <summary>Consecutive failures of the header write or the flush after it before the writer gives up (I5).</summary>
    public const uint HeaderRetryLimit = 8;

    /// <summary>Failed tries of one image or directory write, or of the log flush, before the writer gives up (I6).</summary>
    public const uint WriteRetryLimit = 8;

    private static bool s_commitHeld;
    private static bool s_headerFailed;
    private static uint s_headerFailures;
    private static uint s_flushFailures;
    private static StopReason s_failedWhat;
    private static uint s_failedTries;

    /// <summary>What the writer gave up on (K4: log write, directory write, log flush, header write); None until it did.</summary>
    public static StopReason FailedWhat => s_failedWhat;

    /// <summary>How many tries of <see cref="FailedWhat"/> failed.</summary>
    public static uint FailedTries => s_failedTries;

    /// <summary>
    /// True once the header write (or the flush after it) failed <see cref="HeaderRetryLimit"/> times in a row:
    /// the writer stays Failed for good and refuses Abort (I5).
    /// </summary>
    public static bool HeaderFailed => s_headerFailed;

    /// <summary>True while the owner holds the commit back: the writer stays in AwaitingMigration (the clean check, docs/checkpoint.md).</summary>
    public static bool CommitHeld => s_commitHeld;

    /// <summary>Holds the flush and header of the checkpoint back (true) or lets them go (false).</summary>
    public static void HoldCommit(bool held) => s_commitHeld = held;

    /// <summary>
    /// Ends collection: seals the directory pages, fills the header and starts writing.
    /// An empty checkpoint (no entries) commits a header with an empty directory.
    /// </summary>
    public static CheckpointError Stabilize()
    {
        if (s_phase != CheckpointPhase.Collecting)
        {
            return CheckpointError.WrongPhase;
        }

        uint directoryPages = LogSpace.DirectoryPagesFor(s_entryCount);
        for (uint i = 0; i < directoryPages; i++)
        {
            PageSeal.Seal((byte*)(s_directory + i));
        }

        s_next->LogAreaFirst = s_areaFirst;
        s_next->LogAreaCount = s_imageCount + directoryPages;
        s_next->DirectoryFirst = s_areaFirst + s_imageCount;
        s_next->DirectoryPageCount = directoryPages;
        s_next->DirectoryEntryCount = s_entryCount;
        s_nextItem = 0;
        s_doneItems = 0;
        s_inFlight = 0;
        s_failing = false;
        s_flushFailures = 0;
        CheckpointIo.PrepareFlush(s_single);
        s_phase = CheckpointPhase.Stabilizing;
        return CheckpointError.None;
    }

    /// <summary>
    /// Drops a checkpoint that is Collecting, Failed, or AwaitingMigration (all written, nothing of the
    /// commit submitted); the current checkpoint is unchanged.
    /// </summary>
    public static CheckpointError Abort()
    {
        if ((s_phase != CheckpointPhase.Collecting && s_phase != CheckpointPhase.Failed && s_phase != CheckpointPhase.AwaitingMigration)
            || s_headerFailed)
        {
            return CheckpointError.WrongPhase;
        }

        s_stats.Aborted++;
        s_phase = CheckpointPhase.Idle;
        return CheckpointError.None;
    }

    /// <summary>
    /// Reaps finished disk requests and advances the migrator and the writer without waiting.
    /// Call from the idle loop and after disk interrupts (metal) or from the test loop (host).
    /// </summary>
    public static void Pump()
    {
        s_stats.Pumps++;
        BlockDevice.Poll();
        Migrator.Advance(ref s_stats);
        Advance();
        uint inFlight = s_inFlight + Migrator.InFlight + (CheckpointIo.InFlight(s_single) ? 1u : 0u);
        s_stats.MaxInFlight = System.Math.Max(s_stats.MaxInFlight, inFlight);
    }

    private static void Advance()
    {
        switch (s_phase)
        {
            case CheckpointPhase.Stabilizing:
                AdvanceStabilizing();
                break;
            case CheckpointPhase.AwaitingMigration:
                if (Generation.Migrated && !s_commitHeld)
                {
                    s_phase = CheckpointPhase.FlushingLog;
                    AdvanceFlushingLog();
                }

                break;
            case CheckpointPhase.FlushingLog:
                AdvanceFlushingLog();
                break;
            case CheckpointPhase.WritingHeader:
                AdvanceWritingHeader();
                break;
            case CheckpointPhase.FlushingHeader:
                AdvanceFlushingHeader();
                break;
        }
    }

    private static void AdvanceStabilizing()
    {
        ReapSlots();
        uint total = s_imageCount + s_next->DirectoryPageCount;
        if (!s_failing && !Generation.AreaIsNeeded(s_areaFirst, total))
        {
            SubmitItems(total);
        }

        if (s_inFlight != 0)
        {
            return;
        }

        if (s_failing)
        {
            s_phase = CheckpointPhase.Failed;
        }
        else if (s_doneItems == total)
        {
            s_phase = CheckpointPhase.AwaitingMigration;
            Advance();
        }
    }

    private static void ReapSlots()
    {
        for (int i = 0; i < WriterSlots; i++)
        {
            WriterSlot* slot = s_slots + i;
            if (!slot->Busy || slot->Request.Status == DiskStatus.Pending)
            {
                continue;
            }

            if (slot->Request.Status == DiskStatus.Idle)
            {
                CheckpointIo.Submit(&slot->Request); // a retry the device queue had no room for
                continue;
            }

            if (slot->Request.Status == DiskStatus.Failed && RetryItem(slot))
            {
                continue;
            }

            slot->Busy = false;
            s_inFlight--;
            if (slot->Request.Status == DiskStatus.Done)
            {
                s_doneItems++;
                bool image = slot->Item < s_imageCount;
                s_stats.ImagesWritten += image ? 1u : 0u;
                s_stats.DirectoryPagesWritten += image ? 0u : 1u;
            }
        }
    }

    /// <summary>
    /// A failed image or directory write (I6): reported, then written again from the same buffer (copy-on-write
    /// keeps it the snapshot's: ImageWritten is false meanwhile), up to <see cref="WriteRetryLimit"/> tries;
    /// then the checkpoint fails (nothing of it was committed). True while the slot stays busy with the retry.
    /// </summary>
    private static bool RetryItem(WriterSlot* slot)
    {
        s_diskError = slot->Request.Error;
        slot->Failures++;
        s_stats.Retries++;
        string what = slot->Item < s_imageCount ? "log" : "directory";
        CheckpointMessages.WriteError(s_next->Sequence, what, slot->Failures, s_diskError);
        if (slot->Failures < WriteRetryLimit && !s_failing)
        {
            slot->Request.Status = DiskStatus.Idle;
            CheckpointIo.Submit(&slot->Request);
            return true;
        }

        if (!s_failing)
        {
            GiveUp(slot->Item < s_imageCount ? StopReason.LogWrite : StopReason.DirectoryWrite, slot->Failures);
        }

        return false;
    }

    private static void GiveUp(StopReason what, uint tries)
    {
        s_failing = true;
        s_error = CheckpointError.IoError;
        s_failedWhat = what;
        s_failedTries = tries;
    }

    private static void SubmitItems(uint total)
    {
        for (int i = 0; i < WriterSlots && s_nextItem < total; i++)
        {
            WriterSlot* slot = s_slots + i;
            if (slot->Busy)
            {
                continue;
            }

            uint item = s_nextItem;
            byte* buffer = item < s_imageCount ? s_images[item] : (byte*)(s_directory + (item - s_imageCount));
            CheckpointIo.PreparePage(&slot->Request, DiskOperation.Write, Generation.LogPage(s_areaFirst + item), buffer);
            if (!CheckpointIo.Submit(&slot->Request))
            {
                return;
            }

            slot->Failures = 0;
            slot->Item = item;
            slot->Busy = true;
            s_inFlight++;
            s_nextItem++;
        }
    }

    /// <summary>Flush of the images and directory: a failure aborts (nothing was committed).</summary>
    private static void AdvanceFlushingLog()
    {
        DiskStatus status = s_single->Status;
        if (status == DiskStatus.Idle)
        {
            CheckpointIo.Submit(s_single);
            return;
        }

        if (status == DiskStatus.Done)
        {
            s_stats.Flushes++;
            PageSeal.Seal((byte*)s_next);
            s_headerSlot = CheckpointHeader.NextSlot(Generation.Slot);
            s_headerFailures = 0;
            CheckpointIo.PreparePage(s_single, DiskOperation.Write, Generation.LogPage((uint)s_headerSlot), (byte*)s_next);
            s_phase = CheckpointPhase.WritingHeader;
            AdvanceWritingHeader();
        }
        else if (status == DiskStatus.Failed)
        {
            // Retried like a log write (I6): a flush that fails for good fails the checkpoint before its header.
            s_diskError = s_single->Error;
            s_stats.Retries++;
            CheckpointMessages.WriteError(s_next->Sequence, "log", ++s_flushFailures, s_diskError);
            s_single->Status = DiskStatus.Idle;
            if (s_flushFailures >= WriteRetryLimit)
            {
                GiveUp(StopReason.LogFlush, s_flushFailures);
                s_phase = CheckpointPhase.Failed;
            }
        }
    }

    /// <summary>
    /// The header write. A failed write may or may not have reached the platter, so the
    /// checkpoint is not abandoned: the same header is written again (idempotent).
    /// </summary>
    private static void AdvanceWritingHeader()
    {
        DiskStatus status = s_single->Status;
        if (status == DiskStatus.Idle)
        {
            CheckpointIo.Submit(s_single);
            return;
        }

        if (status == DiskStatus.Done)
        {
            s_stats.HeadersWritten++;
            CheckpointIo.PrepareFlush(s_single);
            s_phase = CheckpointPhase.FlushingHeader;
            AdvanceFlushingHeader();
        }
        else if (status == DiskStatus.Failed)
        {
            HeaderRetry();
        }
    }

    /// <summary>The flush after the header: when it completes the checkpoint is committed; a failure is retried.</summary>
    private static void AdvanceFlushingHeader()
    {
        DiskStatus status = s_single->Status;
        if (status == DiskStatus.Idle)
        {
            CheckpointIo.Submit(s_single);
            return;
        }

        if (status == DiskStatus.Failed)
        {
            HeaderRetry();
            return;
        }

        if (status == DiskStatus.Done)
        {
            s_stats.Flushes++;
            s_stats.Committed++;
            Generation.Committed(s_next, s_headerSlot);
            s_phase = CheckpointPhase.Idle;
            Migrator.Start();
        }
    }

    /// <summary>
    /// A failed header write or flush: retried (the header may or may not have landed, so it is never
    /// abandoned for another), up to <see cref="HeaderRetryLimit"/> in a row; then the writer stops for good
    /// (I5) and says so. The disk then holds the current checkpoint or this one, both committed, and no
    /// later write can touch either: the next checkpoint would reuse this one's half.
    /// </summary>
    private static void HeaderRetry()
    {
        s_diskError = s_single->Error;
        s_stats.Retries++;
        s_single->Status = DiskStatus.Idle;
        CheckpointMessages.WriteError(s_next->Sequence, "header", ++s_headerFailures, s_diskError);
        if (s_headerFailures < HeaderRetryLimit)
        {
            return;
        }

        s_headerFailed = true;
        s_failedWhat = StopReason.HeaderWrite;
        s_failedTries = s_headerFailures;
        s_error = CheckpointError.IoError;
        s_phase = CheckpointPhase.Failed;
    }
}
