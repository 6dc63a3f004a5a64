using CapOS.Kernel.DiskFormat;
using CapOS.Kernel.Io;
using CapOS.Kernel.NodeTree;

namespace CapOS.Kernel.Checkpoint;

/// <summary>
/// The copy slots: each reads a run of images from the log, checks them against their directory
/// entries and writes them to their home pages (I1, I4; docs/checkpoint.md "Migration").
/// </summary>
public static unsafe partial class Migrator
{
    private static void AdvanceCopying(ref CheckpointStats stats)
    {
        for (int i = 0; i < Slots && s_phase == MigrationPhase.Copying; i++)
        {
            DriveSlot(s_slots + i, s_buffers + ((nuint)i * PagesPerCopy * DiskLayout.PageSize), ref stats);
        }

        if (s_phase != MigrationPhase.Copying || s_inFlight != 0 || s_cursor < s_directory->EntryCount)
        {
            return;
        }

        s_page++;
        if (s_page < Generation.Current->DirectoryPageCount)
        {
            PrepareDirectoryRead();
            AdvanceReadingDirectory(ref stats);
        }
        else
        {
            CheckpointIo.PrepareFlush(s_single);
            s_phase = MigrationPhase.Flushing;
            AdvanceCommitSteps(ref stats);
        }
    }

    /// <summary>One copy slot: reap its finished request, then give it the next image if it is free.</summary>
    private static void DriveSlot(CopySlot* slot, byte* buffer, ref CheckpointStats stats)
    {
        if (slot->State != SlotFree)
        {
            DiskStatus status = slot->Request.Status;
            if (status == DiskStatus.Failed)
            {
                s_diskError = slot->Request.Error;
                ReportWriteError(&slot->Request, slot->Failures + 1);
                slot->Request.Status = DiskStatus.Idle;
                status = DiskStatus.Idle;
                if (!Retry(ref slot->Failures, CheckpointError.IoError, ref stats))
                {
                    slot->State = SlotFree;
                    s_inFlight--;
                    return;
                }
            }

            if (status != DiskStatus.Done)
            {
                ResubmitSlot(slot);
                return;
            }

            if (!FinishStep(slot, buffer, ref stats) || slot->State != SlotFree)
            {
                return;
            }
        }

        StartNextCopy(slot, buffer);
    }

    /// <summary>A slot's request is Done: a read becomes the home write, a write frees the slot. False on a bad image.</summary>
    private static bool FinishStep(CopySlot* slot, byte* buffer, ref CheckpointStats stats)
    {
        if (slot->State == SlotWriting)
        {
            slot->Failures = 0;
            stats.HomePagesWritten += slot->Count;
            stats.HomeWrites++;
            slot->State = SlotFree;
            s_inFlight--;
            return true;
        }

        stats.LogPagesRead += slot->Count;
        stats.LogReads++;
        if (!ImagesMatch(slot, buffer))
        {
            // Never written home (I1); read again, up to the limit (I3). No new copy starts meanwhile,
            // so a log that really is bad stops migration after few home writes.
            slot->Request.Status = DiskStatus.Idle;
            s_rereading |= 1u << (int)(slot - s_slots);
            if (Retry(ref slot->Failures, CheckpointError.BadImage, ref stats))
            {
                ResubmitSlot(slot);
                return false;
            }

            slot->State = SlotFree;
            s_inFlight--;
            return false;
        }

        slot->Failures = 0;
        s_rereading &= ~(1u << (int)(slot - s_slots));
        CheckpointIo.PreparePages(&slot->Request, DiskOperation.Write, slot->HomePage, slot->Count, buffer);
        slot->State = SlotWriting;
        ResubmitSlot(slot);
        return true;
    }

    /// <summary>Submits the slot's request if it is prepared but not yet accepted by the device.</summary>
    private static void ResubmitSlot(CopySlot* slot)
    {
        if (slot->Request.Status == DiskStatus.Idle)
        {
            CheckpointIo.Submit(&slot->Request);
        }
    }

    /// <summary>True when every image read into the slot's buffer has its directory entry's CRC (I1).</summary>
    private static bool ImagesMatch(CopySlot* slot, byte* buffer)
    {
        for (uint k = 0; k < slot->Count; k++)
        {
            if (PageSeal.ImageCrc(buffer + ((nuint)k * DiskLayout.PageSize)) != slot->ImageCrcs[k])
            {
                return false;
            }
        }

        return true;
    }

    private static void StartNextCopy(CopySlot* slot, byte* buffer)
    {
        while (s_rereading == 0 && s_cursor < s_directory->EntryCount)
        {
            DirectoryEntry* entry = DirectoryPage.Entry(s_directory, (int)s_cursor);
            if (entry->Lid == DiskLayout.ZeroLid || entry->Lid == s_lastLid)
            {
                s_cursor++;
                continue;
            }

            if (!HomePage(entry, out ulong home))
            {
                Fail(CheckpointError.BadDirectory);
                return;
            }

            uint firstLid = entry->Lid;
            slot->HomePage = home;
            slot->ImageCrcs[0] = entry->ImageCrc;
            slot->Count = 1;
            s_lastLid = firstLid;
            s_cursor++;
            ExtendCopy(slot);
            CheckpointIo.PreparePages(&slot->Request, DiskOperation.Read, Generation.LogPage(firstLid), slot->Count, buffer);
            slot->State = SlotReading;
            s_inFlight++;
            ResubmitSlot(slot);
            return;
        }
    }

    /// <summary>
    /// Adds the following images to the slot's copy while their LIDs and their home pages both go on
    /// by one (I4): entries of the pot just taken and zero pages are passed over; anything else ends the run
    /// and is left at the cursor for the next copy (which also reports a bad entry).
    /// </summary>
    private static void ExtendCopy(CopySlot* slot)
    {
        while (slot->Count < PagesPerCopy && s_cursor < s_directory->EntryCount)
        {
            DirectoryEntry* entry = DirectoryPage.Entry(s_directory, (int)s_cursor);
            if (entry->Lid == DiskLayout.ZeroLid || entry->Lid == s_lastLid)
            {
                s_cursor++;
                continue;
            }

            if (entry->Lid != s_lastLid + 1 || !HomePage(entry, out ulong home) || home != slot->HomePage + slot->Count)
            {
                return;
            }

            slot->ImageCrcs[slot->Count++] = entry->ImageCrc;
            s_lastLid = entry->Lid;
            s_cursor++;
        }
    }

    /// <summary>The home page an entry's image is copied to: data page, node pot or tag pot.</summary>
    private static bool HomePage(DirectoryEntry* entry, out ulong page)
    {
        page = 0;
        RangeKind kind = entry->Type == ObType.Node ? RangeKind.NodeRange : RangeKind.PageRange;
        if (VolumeLayout.Locate(Generation.Volume, entry->Oid, kind, out ObjectLocation location) != FormatError.None)
        {
            return false;
        }

        if (entry->Type == ObType.TagPot)
        {
            page = location.TagPotPage;
            return location.PotFirstOid == entry->Oid;
        }

        page = location.HomePage;
        return entry->Type == ObType.Page || location.Slot == entry->Slot;
    }

    /// <summary>One copy of up to <see cref="PagesPerCopy"/> images: read from the log into its buffer pages, then written home.</summary>
    private struct CopySlot
    {
        public DiskRequest Request;
        public ulong HomePage;
        public fixed uint ImageCrcs[PagesPerCopy];
        public uint Count;
        public uint Failures;
        public byte State;
    }
}
