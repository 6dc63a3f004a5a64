using System.Runtime.InteropServices;
using CapOS.Kernel.DiskFormat;
using CapOS.Kernel.NodeTree;
using CapOS.Kernel.ObjectCache;

namespace CapOS.Kernel.Checkpoint;

/// <summary>
/// After the snapshot, outside the pause: the pot images (current pot overlaid with the snapshot)
/// and the page images, handed to the writer (docs/checkpoint.md "Snapshot and copy-on-write").
/// </summary>
public static unsafe partial class Snapshot
{
    /// <summary>
    /// Records what is still frozen and adds every page, tag pot and node pot of the snapshot to the writer
    /// (which is Collecting) at once: <see cref="Advance"/> without a bound (tests). Reads the current pots
    /// synchronously (the current checkpoint's log if its directory names the pot, else home). A failure leaves
    /// the writer Collecting; the caller aborts.
    /// </summary>
    public static CheckpointError Build()
    {
        bool done = false;
        CheckpointError error = CheckpointError.None;
        while (!done && error == CheckpointError.None)
        {
            error = Advance(uint.MaxValue, out done);
        }

        return error;
    }

    /// <summary>Adds up to <paramref name="budget"/> more recorded pages to the writer, counting them in <paramref name="work"/>.</summary>
    private static CheckpointError AddPages(uint budget, ref uint work)
    {
        uint end = s_pageCount - s_pagesAdded > budget ? s_pagesAdded + budget : s_pageCount;
        for (; s_pagesAdded < end; s_pagesAdded++, work++)
        {
            PageRecord* page = s_pages + s_pagesAdded;
            ObjectHeader* frame = Cache.Header(page->Frame);
            byte* data = page->Copy != 0 ? s_cowPages + ((ulong)(page->Copy - 1) * DiskLayout.PageSize) : Cache.PageData(frame);
            bool zero = IsZero(data);
            uint item = CheckpointWriter.ImageCount;
            CheckpointError error = CheckpointWriter.AddPage(frame->Oid, page->AllocCount, zero ? null : data);
            if (error != CheckpointError.None)
            {
                return error;
            }

            page->Item = zero ? 0 : item + 1;
            page->Crc = zero ? 0 : PageSeal.ImageCrc(data);
            page->Added = 1;
        }

        return CheckpointError.None;
    }

    private static CheckpointError AddPot(PotRecord* pot)
    {
        byte* buffer = PotBuffer(pot);
        Oid first = new(pot->Key & ~NodePotTag);
        if ((pot->Key & NodePotTag) != 0)
        {
            if (!ReadCurrentPot(first, pot->Count, ObType.Node, s_scratch))
            {
                return CheckpointError.IoError;
            }

            AssembleNodePot(pot, first, (NodePot*)buffer);
            return CheckpointWriter.AddNodePot(buffer);
        }

        if (!ReadCurrentPot(first, pot->Count, ObType.TagPot, buffer))
        {
            return CheckpointError.IoError;
        }

        OverlayTags(pot, (TagPot*)buffer);
        return CheckpointWriter.AddTagPot(buffer);
    }

    /// <summary>
    /// The node pot image: a fresh pot (header, zero padding) whose slots are the snapshot's copies where
    /// the mask names them (I2) and the current pot's (in the scratch page) elsewhere. The snapshot copied
    /// its nodes into <paramref name="buffer"/> without initializing it (the pause stays short).
    /// </summary>
    private static void AssembleNodePot(PotRecord* pot, Oid first, NodePot* buffer)
    {
        NodePot* current = (NodePot*)s_scratch;
        for (int slot = 0; slot < (int)pot->Count; slot++)
        {
            if ((pot->Mask & (1 << slot)) != 0)
            {
                NativeMemory.Copy(NodePot.NodeAt(buffer, slot), NodePot.NodeAt(current, slot), DiskNode.Size);
            }
        }

        NodePot.Initialize(buffer, first, pot->Count, 0);
        for (int slot = 0; slot < (int)pot->Count; slot++)
        {
            NativeMemory.Copy(NodePot.NodeAt(current, slot), NodePot.NodeAt(buffer, slot), DiskNode.Size);
        }
    }

    private static void OverlayTags(PotRecord* pot, TagPot* tags)
    {
        uint index = (uint)(pot - s_pots);
        for (uint i = 0; i < s_pageCount; i++)
        {
            PageRecord* page = s_pages + i;
            if (page->Pot != index)
            {
                continue;
            }

            TagEntry* entry = TagPot.Entry(tags, (int)page->Slot);
            entry->AllocCount = page->AllocCount;
            entry->Tag = page->Item == 0 ? FrameTag.ZeroPage : FrameTag.DataPage;
            entry->DataCrc = page->Crc;
        }
    }

    /// <summary>
    /// Reads the current checkpoint's image of the pot starting at <paramref name="first"/> (a node pot
    /// when <paramref name="type"/> is Node, else a tag pot) into <paramref name="buffer"/> and checks it.
    /// </summary>
    private static bool ReadCurrentPot(Oid first, uint count, ObType type, byte* buffer)
    {
        DirectoryEntry* entry = null;
        for (uint i = 0; i < count && entry == null; i++)
        {
            entry = type == ObType.Node ? CheckpointDirectory.Find(new Oid(first.Value + i), ObType.Node) : CheckpointDirectory.Find(first, ObType.TagPot);
        }

        CacheResult result;
        if (entry != null)
        {
            result = Cache.ReadLogImage(entry->Lid, entry->ImageCrc, buffer);
        }
        else
        {
            RangeKind kind = type == ObType.Node ? RangeKind.NodeRange : RangeKind.PageRange;
            if (VolumeLayout.Locate(Generation.Volume, first, kind, out ObjectLocation location) != FormatError.None)
            {
                return false;
            }

            result = Cache.ReadDiskPage(type == ObType.Node ? location.HomePage : location.TagPotPage, buffer);
        }

        if (result != CacheResult.Ok)
        {
            return false;
        }

        FormatError error = type == ObType.Node ? NodePot.Validate((NodePot*)buffer, first, count) : TagPot.Validate((TagPot*)buffer, first, count);
        return error == FormatError.None;
    }

    private static bool IsZero(byte* data)
    {
        ulong* words = (ulong*)data;
        for (int i = 0; i < DiskLayout.PageSize / 8; i++)
        {
            if (words[i] != 0)
            {
                return false;
            }
        }

        return true;
    }
}
