using System.Runtime.InteropServices;
using CapOS.Kernel.DiskFormat;
using CapOS.Kernel.NodeTree;
using CapOS.Kernel.ObjectCache;

namespace CapOS.Kernel.Checkpoint;

/// <summary>
/// The snapshot: with everything stopped, every dirty object becomes part of checkpoint s and new
/// writes belong to s+1 (EROS SOSP'99 §3.5 "checkpoint pending"; docs/checkpoint.md "Snapshot and
/// copy-on-write"). Snapshot.Build.cs then assembles the pot images and hands everything to the writer.
/// </summary>
/// <remarks>
/// Theory of operation. <see cref="Take"/> (the pause) write-protects the writable user mappings and freezes
/// every dirty object at once (Cache.FreezeAll: the dirty map becomes the frozen map); it visits no object.
/// After the pause, while processes run, <see cref="Advance"/> (one bounded step per pump) records each
/// frozen object (<see cref="RecordFrozen"/>): a node's body is copied, in disk form, into its slot of a
/// node-pot image kept here (its other slots are filled later from the current pot on disk); a page gets a
/// page record (with its AllocCount) and stays in its frame, which is the image until the writer's images
/// are written; its cluster gets a tag-pot record; the object becomes Pending (Cache.Freeze). Then the pages
/// and the pots are handed to the writer (Snapshot.Build.cs) and the caller stabilizes. A write to a frozen
/// object before the walk reaches it records it first (MarkDirty, Cache I14), then takes the pending path:
/// a write to a pending page first calls <see cref="TryCopyOnWrite"/>: a page not yet handed to the writer,
/// or whose image the writer has not submitted, is copied to a spare page that becomes the image; a page
/// whose image's write completed is free to change; otherwise the write waits. Nodes need no copy-on-write:
/// their image was copied at their record, before any change.
/// I1: between Take and the release of the images, the bytes the writer reads for a page image are
/// the page's content at the snapshot (SnapshotTests.WriteDuringStabilizationDoesNotChangeTheImage).
/// I2: a pot record's mask names exactly the slots copied from the snapshot; the others come from
/// the current checkpoint (log if its directory names the pot, else home), which no commit can change
/// before this checkpoint commits.
/// I3: the pause records no object (its cost does not depend on how many are dirty), and every object of
/// the snapshot is recorded with its state at the pause: nothing changes a frozen object before its record
/// (SnapshotTests.ThePauseRecordsNothingAndAWriteAnywhereInTheBuildKeepsTheSnapshotBytes, which fails when
/// MarkDirty lets a frozen object be written unrecorded).
/// </remarks>
public static unsafe partial class Snapshot
{
    /// <summary>Key tag of a node pot in the pot map (a cluster's key is its first page OID).</summary>
    internal const ulong NodePotTag = 1UL << 63;

    private static ulong* s_mapKeys;
    private static uint* s_mapValues;
    private static uint s_mapMask;
    private static PotRecord* s_pots;
    private static PotRecord* s_lastPot;
    private static PageRecord* s_pages;
    private static byte* s_potBuffers;
    private static byte* s_cowPages;
    private static byte* s_scratch;
    private static uint s_potCapacity;
    private static uint s_pageCapacity;
    private static uint s_cowCapacity;
    private static uint s_potCount;
    private static uint s_pageCount;
    private static uint s_cowUsed;
    private static uint s_copies;
    private static uint s_nodeCount;
    private static bool s_imagesHeld;
    private static bool s_recordFailed;
    private static uint s_zeroCrc;
    private static uint s_frozenAtPause;
    private static uint s_pagesAdded;
    private static uint s_potsAdded;
    private static ObjectHeader* s_walkCursor;

    /// <summary>Node pots plus tag pots the snapshot can hold.</summary>
    public static uint PotCapacity => s_potCapacity;

    /// <summary>Pages the snapshot can hold.</summary>
    public static uint PageCapacity => s_pageCapacity;

    /// <summary>Objects in the last snapshot.</summary>
    public static uint ObjectCount => s_nodeCount + s_pageCount;

    /// <summary>Copy-on-write copies made for the checkpoint being written.</summary>
    public static uint CopiesMade => s_cowUsed;

    /// <summary>
    /// Copy-on-write copies made since the last snapshot (K3: printed on the committed line): unlike
    /// <see cref="CopiesMade"/> it is not reset when the images are written, only by the next Take.
    /// </summary>
    public static uint CopiesThisCheckpoint => s_copies;

    /// <summary>True from the snapshot until the writer's images are all written (or the checkpoint fails).</summary>
    public static bool ImagesHeld => s_imagesHeld;

    /// <summary>Bytes <see cref="Initialize"/> needs (a multiple of the page size).</summary>
    public static ulong RequiredBytes(uint pots, uint pages, uint cowPages)
    {
        ulong tables = (MapSlots(pots) * 12UL) + ((ulong)pots * (ulong)sizeof(PotRecord)) + ((ulong)pages * (ulong)sizeof(PageRecord));
        ulong tablePages = (tables + DiskLayout.PageSize - 1) / DiskLayout.PageSize;
        return (tablePages + pots + cowPages + 1) * DiskLayout.PageSize;
    }

    /// <summary>Lays the snapshot's tables out in <paramref name="memory"/> (page aligned, <see cref="RequiredBytes"/>).</summary>
    public static void Initialize(byte* memory, uint pots, uint pages, uint cowPages)
    {
        ulong tables = (MapSlots(pots) * 12UL) + ((ulong)pots * (ulong)sizeof(PotRecord)) + ((ulong)pages * (ulong)sizeof(PageRecord));
        ulong tablePages = (tables + DiskLayout.PageSize - 1) / DiskLayout.PageSize;
        s_mapMask = MapSlots(pots) - 1;
        s_mapKeys = (ulong*)memory;
        s_mapValues = (uint*)(s_mapKeys + s_mapMask + 1);
        s_pots = (PotRecord*)(s_mapValues + s_mapMask + 1);
        s_pages = (PageRecord*)(s_pots + pots);
        s_potBuffers = memory + (tablePages * DiskLayout.PageSize);
        s_cowPages = s_potBuffers + ((ulong)pots * DiskLayout.PageSize);
        s_scratch = s_cowPages + ((ulong)cowPages * DiskLayout.PageSize);
        s_potCapacity = pots;
        s_pageCapacity = pages;
        s_cowCapacity = cowPages;
        s_imagesHeld = false;
        for (uint i = 0; i <= s_mapMask; i++)
        {
            s_mapKeys[i] = 0;
        }

        s_potCount = 0;
        s_pageCount = 0;
        s_nodeCount = 0;
        s_lastPot = null;
        Cache.SetFrozenRecorder(&RecordFrozen);
        NativeMemory.Clear(s_scratch, DiskLayout.PageSize);
        s_zeroCrc = PageSeal.ImageCrc(s_scratch);
    }

    /// <summary>
    /// The snapshot proper, the pause's part (caller: writer Idle and Begin done): write-protects every
    /// writable user mapping and freezes every dirty object at once (Cache.FreezeAll: the dirty map becomes
    /// the frozen map), visiting none of them. The objects are recorded after the pause (<see cref="Advance"/>),
    /// or earlier, one by one, when something is about to change one (<see cref="RecordFrozen"/>, I3).
    /// False, nothing frozen, when the dirty objects cannot fit the tables.
    /// </summary>
    public static bool Take()
    {
        // P5: from here on every user write re-faults and dirties its page first (docs/process.md "Snapshot").
        Process.AddressSpaces.WriteProtectAll();
        s_potCount = 0;
        s_lastPot = null;
        s_pageCount = 0;
        s_nodeCount = 0;
        s_cowUsed = 0;
        s_copies = 0;
        s_pagesAdded = 0;
        s_potsAdded = 0;
        s_walkCursor = null;
        s_recordFailed = false;
        if (Cache.DirtyCount > s_pageCapacity + (s_potCapacity * (uint)NodePot.NodeCapacity)
            || !Cache.FreezeAll(out s_frozenAtPause))
        {
            return false;
        }

        s_imagesHeld = true;
        return true;
    }

    /// <summary>Records that cost about as much as one page handed to the writer (IsZero and a CRC of 4 KiB) in one step of <see cref="Advance"/>.</summary>
    public const uint RecordsPerObject = 4;

    /// <summary>Objects frozen by the last <see cref="Take"/>.</summary>
    public static uint FrozenAtPause => s_frozenAtPause;

    /// <summary>True from Take until every frozen object is recorded and every image and pot is with the writer.</summary>
    public static bool Building => s_imagesHeld && (Cache.FrozenCount != 0 || s_pagesAdded < s_pageCount || s_potsAdded < s_potCount);

    /// <summary>
    /// The snapshot after the pause, a bounded step: records up to <paramref name="objects"/> frozen objects,
    /// then adds up to that many pages, then one pot, to the writer (Snapshot.Build.cs). Returns None with
    /// <paramref name="done"/> once everything is with the writer (the caller stabilizes), or the error that
    /// fails the checkpoint (a record that did not fit, a pot that could not be read).
    /// </summary>
    public static CheckpointError Advance(uint objects, out bool done)
    {
        done = false;
        uint work = 0;
        // A record touches no page data (a node copy at most): RecordsPerObject of them cost about one page added.
        uint records = objects * RecordsPerObject;
        while (Cache.FrozenCount != 0 && work < records)
        {
            ObjectHeader* frame = Cache.NextFrozen(s_walkCursor);
            if (frame == null)
            {
                // Frames recorded out of order (RecordFrozen) may lie behind the cursor.
                frame = Cache.NextFrozen(null);
            }

            RecordFrozen(frame);
            s_walkCursor = frame;
            work++;
        }

        if (s_recordFailed)
        {
            return CheckpointError.LogFull;
        }

        if (Cache.FrozenCount != 0)
        {
            return CheckpointError.None;
        }

        work /= RecordsPerObject;

        Reservation.ClearClosed(objects * 64);
        CheckpointError error = AddPages(objects - work, ref work);
        if (error != CheckpointError.None || work >= objects)
        {
            return error;
        }

        if (s_potsAdded < s_potCount)
        {
            error = AddPot(s_pots + s_potsAdded);
            s_potsAdded++;
            return error;
        }

        done = !Reservation.ClearClosed(uint.MaxValue);
        return CheckpointError.None;
    }

    /// <summary>
    /// Records one frozen object into the snapshot now (the walk, or the cache before a write: I3), with its
    /// snapshot-time checks (ConsistencyCheck.CheckRecorded: C1, C3 against the closed generation, C4, C5); it
    /// is pending afterwards. A record that does not fit marks the snapshot failed (the pump unwinds it).
    /// </summary>
    public static void RecordFrozen(ObjectHeader* frame)
    {
        ConsistencyCheck.CheckRecorded(frame);
        if (!Record(frame))
        {
            s_recordFailed = true;
            Cache.Freeze(frame, uint.MaxValue);
        }
    }

    private static bool Record(ObjectHeader* frame)
    {
        bool node = frame->ObType == ObType.Node;
        PotRecord* pot = PotOf(frame->Oid, node, out int slot);
        if (pot == null)
        {
            return false;
        }

        if (node)
        {
            CopyNode(frame, NodePot.NodeAt((NodePot*)PotBuffer(pot), slot));
            pot->Mask |= (byte)(1 << slot);
            s_nodeCount++;
            Cache.Freeze(frame, 0);
            return true;
        }

        if (s_pageCount >= s_pageCapacity)
        {
            return false;
        }

        PageRecord* page = s_pages + s_pageCount;
        *page = default;
        page->Frame = frame->Index;
        page->AllocCount = frame->AllocCount;
        page->Slot = (uint)slot;
        page->Pot = (uint)(pot - s_pots);
        Cache.Freeze(frame, s_pageCount++);
        return true;
    }

    /// <summary>
    /// The disk form of a node (unprepared keys, no hazard bits) with its OID and counts. A key with no
    /// memory-only bit is already in disk form (Key: the unprepared form is the disk form) and is copied
    /// as two words; only prepared or hazarded keys go through Cache.DiskForm.
    /// </summary>
    private static void CopyNode(ObjectHeader* frame, DiskNode* disk)
    {
        Node* body = Cache.NodeBody(frame);
        disk->Oid = frame->Oid;
        disk->AllocCount = frame->AllocCount;
        disk->CallCount = body->CallCount;
        ulong* from = (ulong*)Node.Slot(body, 0);
        ulong* to = (ulong*)DiskNode.Slot(disk, 0);
        for (int i = 0; i < Node.SlotCount; i++, from += 2, to += 2)
        {
            if ((((byte*)from)[Key.TypeOffset + 1] & (byte)KeyFlags.MemoryOnly) == 0)
            {
                to[0] = from[0];
                to[1] = from[1];
            }
            else
            {
                Cache.DiskForm((Key*)from, (Key*)to);
            }
        }
    }

    /// <summary>
    /// The pot record of <paramref name="oid"/> (added if new) and its slot in the pot; null when the OID
    /// is unknown or the table is full. A pot holds the consecutive OIDs PotFirstOid .. PotFirstOid +
    /// PotObjectCount - 1 at slot OID - PotFirstOid (VolumeLayout.Locate), so an object of the pot found
    /// last is placed without locating it again (dirty objects come in frame order, mostly loaded in runs).
    /// </summary>
    private static PotRecord* PotOf(Oid oid, bool node, out int slot)
    {
        ulong tag = node ? NodePotTag : 0;
        PotRecord* last = s_lastPot;
        if (last != null && (last->Key & NodePotTag) == tag && oid.Value - (last->Key & ~NodePotTag) < last->Count)
        {
            slot = (int)(oid.Value - (last->Key & ~NodePotTag));
            return last;
        }

        slot = 0;
        RangeKind kind = node ? RangeKind.NodeRange : RangeKind.PageRange;
        if (VolumeLayout.Locate(Generation.Volume, oid, kind, out ObjectLocation location) != FormatError.None)
        {
            return null;
        }

        slot = location.Slot;
        s_lastPot = FindOrAddPot(location.PotFirstOid.Value | tag, location.PotFirstOid, location.PotObjectCount);
        return s_lastPot;
    }

    private static PotRecord* FindOrAddPot(ulong key, Oid first, uint count)
    {
        uint i = (uint)((key * 0x9E3779B97F4A7C15UL) >> 32) & s_mapMask;
        while (s_mapKeys[i] != 0)
        {
            if (s_mapKeys[i] == key)
            {
                return s_pots + s_mapValues[i];
            }

            i = (i + 1) & s_mapMask;
        }

        if (s_potCount >= s_potCapacity)
        {
            return null;
        }

        // The buffer is not cleared here: Build assembles the whole pot image (ReadCurrentPot, AssembleNodePot).
        PotRecord* pot = s_pots + s_potCount;
        *pot = default;
        pot->Key = key;
        pot->Count = count;
        pot->MapSlot = i;
        s_mapKeys[i] = key;
        s_mapValues[i] = s_potCount++;
        return pot;
    }

    /// <summary>
    /// Copy-on-write before a write to pending page <paramref name="frame"/> (Cache.MarkDirty): if the writer
    /// has not submitted its image and a spare page is free, the frame is copied there and the writer pointed
    /// at the copy; if the image's write has completed, the frame is free to change. False, changing nothing,
    /// when the image is not written yet and cannot be copied: the caller must not write, and the process
    /// waits (Stall, ImageWrite) until the images are written. Nothing waits in place (docs/process.md).
    /// </summary>
    public static bool TryCopyOnWrite(ObjectHeader* frame)
    {
        if (!s_imagesHeld || frame->ObType != ObType.Page || frame->Reserved == 0 || frame->Reserved > s_pageCount)
        {
            return true;
        }

        PageRecord* page = s_pages + (frame->Reserved - 1);
        if (page->Copy != 0)
        {
            return true;
        }

        if (page->Added == 0)
        {
            // Recorded but not handed to the writer yet (Advance): the copy is what Build will hand it.
            if (s_cowUsed >= s_cowCapacity)
            {
                return false;
            }

            NativeMemory.Copy(Cache.PageData(frame), s_cowPages + ((ulong)s_cowUsed * DiskLayout.PageSize), DiskLayout.PageSize);
            page->Copy = ++s_cowUsed;
            s_copies++;
            return true;
        }

        if (page->Item == 0)
        {
            return true;
        }

        uint item = page->Item - 1;
        if (!CheckpointWriter.ImageSubmitted(item) && s_cowUsed < s_cowCapacity)
        {
            byte* copy = s_cowPages + ((ulong)s_cowUsed * DiskLayout.PageSize);
            NativeMemory.Copy(Cache.PageData(frame), copy, DiskLayout.PageSize);
            if (CheckpointWriter.RedirectImage(item, copy))
            {
                page->Copy = ++s_cowUsed;
                s_copies++;
                return true;
            }
        }

        return CheckpointWriter.ImageWritten(item);
    }

    /// <summary>The writer has every image: the frames need no copy-on-write any more; spare pages are free.</summary>
    public static void ReleaseImages()
    {
        s_imagesHeld = false;
        s_cowUsed = 0;
    }

    /// <summary>The checkpoint committed: every pending object is released (clean unless dirtied again).</summary>
    public static void Commit()
    {
        ReleaseImages();

        // Pages first, with the CRC their image got at Build (a page not dirtied again still holds those bytes), so
        // that the commit reads no page again; then what is left (nodes: a CRC of 528 bytes each).
        for (uint i = 0; i < s_pageCount; i++)
        {
            PageRecord* page = s_pages + i;
            Cache.ReleasePending(Cache.Header(page->Frame), page->Item == 0 ? s_zeroCrc : page->Crc);
        }

        for (ObjectHeader* frame = Cache.NextPending(null); frame != null; frame = Cache.NextPending(frame))
        {
            Cache.ReleasePending(frame);
        }

        ClearMap();
    }

    /// <summary>The checkpoint failed or was refused: every pending object is dirty again, its reservation re-taken.</summary>
    public static void Unwind()
    {
        ReleaseImages();
        for (ObjectHeader* frame = Cache.NextFrozen(null); frame != null; frame = Cache.NextFrozen(frame))
        {
            Reservation.Reinstate(frame);
        }

        Cache.ThawAll();
        for (ObjectHeader* frame = Cache.NextPending(null); frame != null; frame = Cache.NextPending(frame))
        {
            Cache.Unfreeze(frame);
            Reservation.Reinstate(frame);
        }

        Reservation.ClearClosed(uint.MaxValue);
        ClearMap();
    }

    /// <summary>
    /// Empties the pot map after a commit or a failure (not in the pause): only the slots the snapshot used are
    /// cleared (the rest are 0 already). The counts stay readable until the next Take.
    /// </summary>
    private static void ClearMap()
    {
        for (uint i = 0; i < s_potCount; i++)
        {
            s_mapKeys[s_pots[i].MapSlot] = 0;
        }

        s_lastPot = null;
    }

    private static byte* PotBuffer(PotRecord* pot) => s_potBuffers + ((ulong)(pot - s_pots) * DiskLayout.PageSize);

    private static uint MapSlots(uint pots) => ObjectCache.HashBuckets.For(pots * 2);

    /// <summary>A node pot or a cluster's tag pot of the snapshot.</summary>
    [StructLayout(LayoutKind.Sequential)]
    private struct PotRecord
    {
        public ulong Key;
        public uint Count;
        public uint MapSlot;
        public byte Mask;
    }

    /// <summary>A page of the snapshot.</summary>
    [StructLayout(LayoutKind.Sequential)]
    private struct PageRecord
    {
        public uint Frame;
        public uint Slot;
        public uint Pot;
        public uint Item;
        public uint Crc;
        public uint Copy;
        public uint AllocCount;
        public uint Added;
    }
}
