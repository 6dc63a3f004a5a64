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
/// Theory of operation. <see cref="Take"/> walks the dirty objects once, with no disk I/O:
/// a dirty node's body is copied, in disk form, into its slot of a node-pot image kept here (its
/// other slots are filled later from the current pot on disk); a dirty page gets a page record and
/// stays in its frame, which is the image until the writer's images are written; its cluster gets a
/// tag-pot image record. Each object is frozen (Cache.Freeze: Pending, not Dirty). A later kernel
/// write to a pending page first calls <see cref="CopyOnWrite"/>: if the image's write was already
/// submitted it waits for that write and the frame is free to change; else the frame is copied to a
/// spare page and the writer is pointed at the copy. Nodes need no copy-on-write: their image was
/// copied at the snapshot.
/// I1: between Take and the release of the images, the bytes the writer reads for a page image are
/// the page's content at the snapshot (SnapshotTests.WriteDuringStabilizationDoesNotChangeTheImage).
/// I2: a pot record's mask names exactly the slots copied from the snapshot; the others come from
/// the current checkpoint (log if its directory names the pot, else home), which no commit changes
/// before this checkpoint commits.
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
        Clear();
    }

    /// <summary>
    /// The snapshot proper (caller: writer Idle and Begin done): freezes every dirty object into the
    /// checkpoint. False (nothing frozen) when the dirty objects do not fit the tables.
    /// </summary>
    public static bool Take()
    {
        // P5: from here on every user write re-faults and dirties its page first (docs/process.md "Snapshot").
        Process.AddressSpaces.WriteProtectAll();
        Clear();
        uint words = Cache.BitmapWords;
        for (uint word = 0; word < words; word++)
        {
            ulong bits = Cache.DirtyWord(word);
            if (bits != 0 && !RecordWord(bits, word << 6))
            {
                Unwind();
                return false;
            }
        }

        s_imagesHeld = true;
        return true;
    }

    /// <summary>Records the objects whose bits are set in <paramref name="bits"/> (dirty map, frame <paramref name="index"/> first).</summary>
    private static bool RecordWord(ulong bits, uint index)
    {
        while (bits != 0)
        {
            if ((bits & 0xFF) == 0)
            {
                bits >>= 8;
                index += 8;
                continue;
            }

            if ((bits & 1) != 0 && !Record(Cache.HeaderAt(index)))
            {
                return false;
            }

            bits >>= 1;
            index++;
        }

        return true;
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
        if (page->Item == 0 || page->Copy != 0)
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
        for (ObjectHeader* frame = Cache.NextPending(null); frame != null; frame = Cache.NextPending(frame))
        {
            Cache.ReleasePending(frame);
        }
    }

    /// <summary>The checkpoint failed or was refused: every pending object is dirty again, its reservation re-taken.</summary>
    public static void Unwind()
    {
        ReleaseImages();
        for (ObjectHeader* frame = Cache.NextPending(null); frame != null; frame = Cache.NextPending(frame))
        {
            Cache.Unfreeze(frame);
            Reservation.Reinstate(frame);
        }
    }

    /// <summary>Empties the tables; only the map slots the last snapshot used are cleared (the rest are 0 already).</summary>
    private static void Clear()
    {
        for (uint i = 0; i < s_potCount; i++)
        {
            s_mapKeys[s_pots[i].MapSlot] = 0;
        }

        s_potCount = 0;
        s_lastPot = null;
        s_pageCount = 0;
        s_nodeCount = 0;
        s_cowUsed = 0;
        s_copies = 0;
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
    }
}
