using System.Runtime.InteropServices;
using CapOS.Kernel.Checkpoint;
using CapOS.Kernel.DiskFormat;
using CapOS.Kernel.Io;
using CapOS.Kernel.NodeTree;

namespace CapOS.Kernel.ObjectCache;

/// <summary>Object faults: where an object's current image is, reading it, checking it (docs/object-cache.md "Faults").</summary>
/// <remarks>
/// A fault is a small state machine over an <see cref="ObjectRead"/>: <see cref="Advance"/> finds the source
/// (directory, tag pot, home), and after each read checks what arrived and either finishes or asks for the
/// next read. A synchronous fault runs the reads at once (<see cref="BlockIo"/>); an asynchronous one submits
/// them and advances on completion (Cache.Reads.cs). The source is found again after every read, so a
/// checkpoint that moved the object's image meanwhile (a commit, migration) makes the fault read the new one.
/// I7: no byte of an image is used before its check passed: a log image's CRC equals its directory
/// entry's ImageCrc (L1), a home data page's CRC equals its tag entry's DataCrc (L1), node pots and
/// tag pots pass P1 (<see cref="Advance"/>, NodePot.Validate, TagPot.Validate). Checked:
/// CacheTests.DamagedLogImageIsDetectedAtFaultTime, CacheTests.DamagedHomeObjectsAreDetected,
/// CacheReadTests.AGarbageReadIsReadAgainAndAFailedOneReachesEveryWaiter.
/// </remarks>
public static unsafe partial class Cache
{
    private static CacheResult Fault(ObType type, Oid oid, FaultMode mode, out ObjectHeader* frame)
    {
        frame = null;
        RangeKind kind = type == ObType.Page ? RangeKind.PageRange : RangeKind.NodeRange;
        FormatError located = VolumeLayout.Locate(s_volume, oid, kind, out ObjectLocation location);
        if (located != FormatError.None)
        {
            s_lastFormatError = located;
            return located == FormatError.WrongObjectKind ? CacheResult.WrongObjectKind : CacheResult.UnknownOid;
        }

        if (mode == FaultMode.Asynchronous)
        {
            return StartRead(type, oid, &location, out frame);
        }

        CacheResult result = AllocateFrame(type, out ObjectHeader* free);
        if (result != CacheResult.Ok)
        {
            return result;
        }

        // The frame stays free (ObType None) until Install, so a failed load leaves nothing behind.
        ObjectRead read = default;
        Begin(&read, type, oid, free, &location, s_ioBuffer);
        result = Advance(&read);
        while (result == CacheResult.Pending)
        {
            s_statistics.PagesRead++;
            BlockIo.Run(&read.Request);
            result = Advance(&read);
        }

        if (result != CacheResult.Ok)
        {
            NoteFailure(&read, result);
            return result;
        }

        Finish(&read);
        frame = free;
        return CacheResult.Ok;
    }

    private static void Begin(ObjectRead* read, ObType type, Oid oid, ObjectHeader* frame, ObjectLocation* location, byte* buffer)
    {
        read->Type = type;
        read->Oid = oid;
        read->Frame = frame;
        read->Location = *location;
        read->Buffer = buffer;
        read->Stage = ReadStage.None;
        read->Attempts = 0;
        read->Request = default;
    }

    /// <summary>Installs a completed fault's frame and counts it.</summary>
    private static void Finish(ObjectRead* read)
    {
        if (read->FromLog)
        {
            s_statistics.LoadsFromLog++;
        }
        else
        {
            s_statistics.LoadsFromHome++;
        }

        Install(read->Frame, read->Type, read->Oid);
    }

    /// <summary>Keeps a failed fault's detail where <see cref="LastFormatError"/> and <see cref="LastDiskError"/> report it.</summary>
    private static void NoteFailure(ObjectRead* read, CacheResult result)
    {
        if (result == CacheResult.PotInvalid)
        {
            s_lastFormatError = read->FormatError;
        }
        else if (result == CacheResult.IoError)
        {
            s_lastDiskError = read->DiskError;
        }
    }

    /// <summary>
    /// One step of a fault: checks the read that just completed (if any), then finds what to read next. Ok: the
    /// object is complete in its frame (not yet installed). Pending: <paramref name="read"/>'s request is
    /// prepared (Idle) for the next read. Anything else: the fault failed (detail in the read).
    /// </summary>
    private static CacheResult Advance(ObjectRead* read)
    {
        DiskStatus status = read->Request.Status;
        read->Request.Status = DiskStatus.Idle;
        if (status == DiskStatus.Failed)
        {
            read->DiskError = read->Request.Error;
            return CacheResult.IoError;
        }

        CacheResult result = FindSource(read, out ReadStage stage, out ulong diskPage, out uint crc, out DirectoryEntry* entry);
        if (result != CacheResult.Ok || stage == ReadStage.None)
        {
            return result;
        }

        if (status == DiskStatus.Done && stage == read->Stage && diskPage == read->DiskPage && crc == read->Crc)
        {
            if (read->Verified && PageSeal.ImageCrc(read->Request.Buffer) != crc)
            {
                // L1: never used. A device may return garbage once; a damaged page fails every time.
                return ++read->Attempts < Recovery.ReadAttempts ? PrepareRead(read, stage, diskPage, crc)
                    : stage == ReadStage.Object && read->Type == ObType.Page && !read->FromLog ? CacheResult.HomePageCorrupt : CacheResult.LogImageCorrupt;
            }

            result = Check(read, stage, entry);
            if (result != CacheResult.Ok || stage == ReadStage.Object)
            {
                return result;
            }

            result = FindSource(read, out stage, out diskPage, out crc, out _); // the tag pot is cached now
            if (result != CacheResult.Ok || stage == ReadStage.None)
            {
                return result;
            }
        }

        return PrepareRead(read, stage, diskPage, crc);
    }

    /// <summary>
    /// The find step: where the object's current image is. Stage None with Ok: a zero page, filled without a
    /// read. TagPot: the cluster's tag pot must be read first. Object: the object's own disk page.
    /// </summary>
    private static CacheResult FindSource(ObjectRead* read, out ReadStage stage, out ulong diskPage, out uint crc, out DirectoryEntry* entry)
    {
        stage = ReadStage.Object;
        diskPage = read->Location.HomePage;
        crc = 0;
        ObjectHeader* frame = read->Frame;
        entry = CheckpointDirectory.Find(read->Oid, read->Type);
        read->FromLog = entry != null;
        read->Verified = entry != null;
        if (entry != null)
        {
            diskPage = s_logFirstPage + entry->Lid;
            crc = entry->ImageCrc;
            if (read->Type == ObType.Node)
            {
                return CacheResult.Ok;
            }

            frame->AllocCount = entry->AllocCount;
            frame->Crc = entry->ImageCrc;
            return entry->Lid == DiskLayout.ZeroLid ? ZeroPage(frame, out stage) : CacheResult.Ok;
        }

        if (read->Type == ObType.Node)
        {
            return CacheResult.Ok;
        }

        TagPot* pot = TagPotCache.Lookup(read->Location.PotFirstOid);
        if (pot == null)
        {
            stage = ReadStage.TagPot;
            DirectoryEntry* tagEntry = CheckpointDirectory.Find(read->Location.PotFirstOid, ObType.TagPot);
            diskPage = tagEntry != null ? s_logFirstPage + tagEntry->Lid : read->Location.TagPotPage;
            crc = tagEntry != null ? tagEntry->ImageCrc : 0;
            read->Verified = tagEntry != null;
            read->FromLog = false;
            return CacheResult.Ok;
        }

        TagEntry* tag = TagPot.Entry(pot, read->Location.Slot);
        frame->AllocCount = tag->AllocCount;
        if (tag->Tag == FrameTag.ZeroPage)
        {
            return ZeroPage(frame, out stage);
        }

        frame->Crc = tag->DataCrc;
        crc = tag->DataCrc;
        read->Verified = true;
        return CacheResult.Ok;
    }

    private static CacheResult ZeroPage(ObjectHeader* frame, out ReadStage stage)
    {
        NativeMemory.Clear(PageData(frame), PageSize);
        frame->Crc = DiskLayout.ZeroPageCrc;
        stage = ReadStage.None;
        return CacheResult.Ok;
    }

    /// <summary>Prepares the read of <paramref name="diskPage"/> (a page straight into its frame, a pot into the read's buffer).</summary>
    private static CacheResult PrepareRead(ObjectRead* read, ReadStage stage, ulong diskPage, uint crc)
    {
        if (stage != read->Stage || diskPage != read->DiskPage || crc != read->Crc)
        {
            read->Attempts = 0;
        }

        read->Stage = stage;
        read->DiskPage = diskPage;
        read->Crc = crc;
        DiskRequest* request = &read->Request;
        request->Operation = DiskOperation.Read;
        request->Status = DiskStatus.Idle;
        request->Error = DiskError.None;
        request->Sector = diskPage * DiskLayout.SectorsPerPage;
        request->SectorCount = DiskLayout.SectorsPerPage;
        request->Buffer = stage == ReadStage.Object && read->Type == ObType.Page ? PageData(read->Frame) : read->Buffer;
        request->Tag = read->Frame->Index;
        request->Next = null;
        return CacheResult.Pending;
    }

    /// <summary>The check step for a page that arrived whole (its CRC already checked when the source has one).</summary>
    private static CacheResult Check(ObjectRead* read, ReadStage stage, DirectoryEntry* entry)
    {
        ObjectLocation* location = &read->Location;
        if (stage == ReadStage.TagPot)
        {
            read->FormatError = TagPot.Validate((TagPot*)read->Buffer, location->PotFirstOid, location->PotObjectCount);
            if (read->FormatError != FormatError.None)
            {
                return CacheResult.PotInvalid;
            }

            TagPotCache.Insert(location->PotFirstOid, (TagPot*)read->Buffer);
            s_statistics.TagPotLoads++;
            return CacheResult.Ok;
        }

        if (read->Type == ObType.Page)
        {
            return CacheResult.Ok; // AllocCount and Crc were set by FindSource
        }

        NodePot* pot = (NodePot*)read->Buffer;
        read->FormatError = NodePot.Validate(pot, location->PotFirstOid, location->PotObjectCount);
        if (read->FormatError != FormatError.None)
        {
            return CacheResult.PotInvalid;
        }

        DiskNode* disk = NodePot.NodeAt(pot, location->Slot);
        if (entry != null && (entry->Slot != location->Slot || entry->AllocCount != disk->AllocCount))
        {
            return CacheResult.DirectoryMismatch;
        }

        // Validated: the unprepared disk keys are the in-memory keys byte for byte (docs/keys.md).
        Node* body = NodeBody(read->Frame);
        NativeMemory.Copy(DiskNode.Slot(disk, 0), Node.Slot(body, 0), Node.SlotCount * DiskKey.Size);
        body->CallCount = disk->CallCount;
        read->Frame->AllocCount = disk->AllocCount;
        read->Frame->Crc = NodeCrc(body);
        return CacheResult.Ok;
    }

    private static void Install(ObjectHeader* frame, ObType type, Oid oid)
    {
        frame->Oid = oid;
        frame->ObType = type;
        frame->Flags = ObjectFlags.Referenced;
        frame->PinCount = 0;
        SetState(frame);
        ResetRing(frame);
        HashInsert(frame);
    }

    /// <summary>Reads log page <paramref name="lid"/> into <paramref name="buffer"/> and checks its CRC against the directory's (L1).</summary>
    internal static CacheResult ReadLogImage(uint lid, uint imageCrc, byte* buffer) =>
        ReadVerified(s_logFirstPage + lid, imageCrc, buffer);

    /// <summary>
    /// Reads <paramref name="diskPage"/> until its CRC is <paramref name="crc"/>, at most
    /// <see cref="Recovery.ReadAttempts"/> times: a device may return garbage once, a damaged page
    /// fails every time (LogImageCorrupt). The bytes are never used unless they match (L1). Synchronous:
    /// for the checkpoint's snapshot build (docs/object-cache.md "Synchronous reads").
    /// </summary>
    private static CacheResult ReadVerified(ulong diskPage, uint crc, byte* buffer)
    {
        for (int attempt = 0; attempt < Recovery.ReadAttempts; attempt++)
        {
            CacheResult result = ReadDiskPage(diskPage, buffer);
            if (result != CacheResult.Ok || PageSeal.ImageCrc(buffer) == crc)
            {
                return result;
            }
        }

        return CacheResult.LogImageCorrupt;
    }

    /// <summary>Reads disk page <paramref name="diskPage"/> synchronously (the snapshot's build; docs/object-cache.md "Synchronous reads").</summary>
    internal static CacheResult ReadDiskPage(ulong diskPage, byte* buffer)
    {
        s_statistics.PagesRead++;
        DiskError error = BlockIo.Read(diskPage * DiskLayout.SectorsPerPage, DiskLayout.SectorsPerPage, buffer);
        if (error != DiskError.None)
        {
            s_lastDiskError = error;
            return CacheResult.IoError;
        }

        return CacheResult.Ok;
    }
}
