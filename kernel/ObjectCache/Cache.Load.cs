using System.Runtime.InteropServices;
using CapOS.Kernel.Checkpoint;
using CapOS.Kernel.DiskFormat;
using CapOS.Kernel.Io;
using CapOS.Kernel.NodeTree;

namespace CapOS.Kernel.ObjectCache;

/// <summary>Object faults: where an object's current image is, reading it, checking it (docs/object-cache.md "Faults").</summary>
/// <remarks>
/// I7: no byte of an image is used before its check passed: a log image's CRC equals its directory
/// entry's ImageCrc (L1), a home data page's CRC equals its tag entry's DataCrc (L1), node pots and
/// tag pots pass P1 (<see cref="ReadVerified"/>, NodePot.Validate, TagPotCache). Checked:
/// CacheTests.DamagedLogImageIsDetectedAtFaultTime, CacheTests.DamagedHomeObjectsAreDetected.
/// </remarks>
public static unsafe partial class Cache
{
    private static CacheResult Fault(ObType type, Oid oid, out ObjectHeader* frame)
    {
        frame = null;
        RangeKind kind = type == ObType.Page ? RangeKind.PageRange : RangeKind.NodeRange;
        FormatError located = VolumeLayout.Locate(s_volume, oid, kind, out ObjectLocation location);
        if (located != FormatError.None)
        {
            s_lastFormatError = located;
            return located == FormatError.WrongObjectKind ? CacheResult.WrongObjectKind : CacheResult.UnknownOid;
        }

        CacheResult result = AllocateFrame(type, out ObjectHeader* free);
        if (result != CacheResult.Ok)
        {
            return result;
        }

        // The frame stays free (ObType None) until Install, so a failed load leaves nothing behind.
        DirectoryEntry* entry = CheckpointDirectory.Find(oid, type);
        result = type == ObType.Page ? LoadPage(free, &location, entry) : LoadNode(free, &location, entry);
        if (result != CacheResult.Ok)
        {
            return result;
        }

        if (entry != null)
        {
            s_statistics.LoadsFromLog++;
        }
        else
        {
            s_statistics.LoadsFromHome++;
        }

        Install(free, type, oid);
        frame = free;
        return CacheResult.Ok;
    }

    private static CacheResult LoadPage(ObjectHeader* frame, ObjectLocation* location, DirectoryEntry* entry)
    {
        byte* data = PageData(frame);
        if (entry != null)
        {
            frame->AllocCount = entry->AllocCount;
            if (entry->Lid == DiskLayout.ZeroLid)
            {
                NativeMemory.Clear(data, PageSize);
                frame->Crc = DiskLayout.ZeroPageCrc;
                return CacheResult.Ok;
            }

            frame->Crc = entry->ImageCrc;
            return ReadLogImage(entry->Lid, entry->ImageCrc, data);
        }

        CacheResult result = TagPotCache.Get(location, out TagPot* pot);
        if (result != CacheResult.Ok)
        {
            return result;
        }

        TagEntry* tag = TagPot.Entry(pot, location->Slot);
        frame->AllocCount = tag->AllocCount;
        if (tag->Tag == FrameTag.ZeroPage)
        {
            NativeMemory.Clear(data, PageSize);
            frame->Crc = DiskLayout.ZeroPageCrc;
            return CacheResult.Ok;
        }

        frame->Crc = tag->DataCrc;
        result = ReadVerified(location->HomePage, tag->DataCrc, data);
        return result == CacheResult.LogImageCorrupt ? CacheResult.HomePageCorrupt : result;
    }

    private static CacheResult LoadNode(ObjectHeader* frame, ObjectLocation* location, DirectoryEntry* entry)
    {
        NodePot* pot = (NodePot*)s_ioBuffer;
        CacheResult result = entry != null
            ? ReadLogImage(entry->Lid, entry->ImageCrc, s_ioBuffer)
            : ReadDiskPage(location->HomePage, s_ioBuffer);
        if (result != CacheResult.Ok)
        {
            return result;
        }

        FormatError error = NodePot.Validate(pot, location->PotFirstOid, location->PotObjectCount);
        if (error != FormatError.None)
        {
            s_lastFormatError = error;
            return CacheResult.PotInvalid;
        }

        DiskNode* disk = NodePot.NodeAt(pot, location->Slot);
        if (entry != null && (entry->Slot != location->Slot || entry->AllocCount != disk->AllocCount))
        {
            return CacheResult.DirectoryMismatch;
        }

        // Validated: the unprepared disk keys are the in-memory keys byte for byte (docs/keys.md).
        Node* body = NodeBody(frame);
        NativeMemory.Copy(DiskNode.Slot(disk, 0), Node.Slot(body, 0), Node.SlotCount * DiskKey.Size);
        body->CallCount = disk->CallCount;
        frame->AllocCount = disk->AllocCount;
        frame->Crc = NodeCrc(body);
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
    /// fails every time (LogImageCorrupt). The bytes are never used unless they match (L1).
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

    /// <summary>Reads disk page <paramref name="diskPage"/> (synchronously for now).</summary>
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

    internal static void NoteFormatError(FormatError error) => s_lastFormatError = error;

    internal static void NoteTagPotLoad() => s_statistics.TagPotLoads++;
}
