using System;
using System.Collections.Generic;
using CapOS.Kernel.DiskFormat;
using CapOS.Kernel.NodeTree;

namespace CapOS.ImageGen.Image;

/// <summary>
/// A disk image opened the way the kernel recovers it (disk-format.md "Commit protocol", Recovery): the
/// volume header from page 0, else page 1; both checkpoint headers; the chosen one
/// (CheckpointHeader.ChooseSlot); its directory. Objects named by the directory come from the log,
/// all others from home. Never throws on a malformed image: every fault is recorded, and
/// <see cref="Fatal"/> says why reading stopped, if it did. Shared by dump, check and digest.
/// </summary>
internal sealed unsafe class VolumeImage
{
    private readonly byte[] _bytes;
    private readonly byte* _base;

    private VolumeImage(byte[] bytes)
    {
        _bytes = GC.AllocateUninitializedArray<byte>(bytes.Length, pinned: true);
        bytes.CopyTo(_bytes, 0);
        fixed (byte* p = _bytes)
        {
            _base = p; // The array is on the pinned object heap: the address never changes.
        }
    }

    /// <summary>Whole 4 KiB pages in the image.</summary>
    public ulong DiskPages => (ulong)_bytes.Length / DiskLayout.PageSize;

    /// <summary>Bytes after the last whole page (a truncated image).</summary>
    public int TrailingBytes => _bytes.Length % DiskLayout.PageSize;

    /// <summary>Validation of the volume header in page 0 and in page 1.</summary>
    public FormatError[] VolumeErrors { get; } = { FormatError.VolumeBadMagic, FormatError.VolumeBadMagic };

    /// <summary>The page whose header is used (0 or 1), or -1.</summary>
    public int VolumePage { get; private set; } = -1;

    public VolumeHeader* Header { get; private set; }

    public RangeDescriptor* Log { get; private set; }

    public uint LogPages { get; private set; }

    /// <summary>Validation of checkpoint header slots LID 0 and LID 1.</summary>
    public FormatError[] SlotErrors { get; } = { FormatError.CheckpointBadMagic, FormatError.CheckpointBadMagic };

    /// <summary>True for a slot holding 4096 zero bytes (never written).</summary>
    public bool[] SlotBlank { get; } = new bool[2];

    public int ChosenSlot { get; private set; } = -1;

    public CheckpointHeader* Chosen { get; private set; }

    /// <summary>Directory pages that failed D1: (page index, error).</summary>
    public List<(uint Index, FormatError Error)> DirectoryErrors { get; } = new();

    /// <summary>Every entry of the valid directory pages, in order.</summary>
    public List<DirectoryEntry> Entries { get; } = new();

    /// <summary>Entries by type and OID (the first entry wins; check reports duplicates).</summary>
    public Dictionary<ulong, DirectoryEntry> NodeEntries { get; } = new();

    public Dictionary<ulong, DirectoryEntry> PageEntries { get; } = new();

    public Dictionary<ulong, DirectoryEntry> TagPotEntries { get; } = new();

    /// <summary>Why the image could not be read further, or null.</summary>
    public string? Fatal { get; private set; }

    public static VolumeImage Open(byte[] bytes)
    {
        var image = new VolumeImage(bytes);
        image.ReadVolumeHeader();
        if (image.Fatal is null)
        {
            image.ReadCheckpointHeaders();
        }

        if (image.Fatal is null)
        {
            image.ReadDirectory();
        }

        return image;
    }

    /// <summary>Disk page <paramref name="page"/> (the caller keeps it below <see cref="DiskPages"/>).</summary>
    public byte* Page(ulong page) => _base + (page * DiskLayout.PageSize);

    /// <summary>Log page <paramref name="lid"/>.</summary>
    public byte* LogPage(uint lid) => Page(VolumeLayout.LogPage(Log, lid));

    private void ReadVolumeHeader()
    {
        for (int p = 0; p < 2; p++)
        {
            VolumeErrors[p] = (ulong)p < DiskPages
                ? VolumeHeader.Validate((VolumeHeader*)Page((ulong)p), DiskPages)
                : FormatError.VolumeBadMagic;
        }

        VolumePage = VolumeErrors[0] == FormatError.None ? 0 : VolumeErrors[1] == FormatError.None ? 1 : -1;
        if (VolumePage < 0)
        {
            Fatal = $"no valid volume header (page 0: {FormatErrors.Name(VolumeErrors[0])}; page 1: {FormatErrors.Name(VolumeErrors[1])})";
            return;
        }

        Header = (VolumeHeader*)Page((ulong)VolumePage);
        Log = VolumeHeader.Range(Header, VolumeLayout.FindLogRange(Header));
        LogPages = (uint)Log->PageCount;
    }

    private void ReadCheckpointHeaders()
    {
        for (uint slot = 0; slot < 2; slot++)
        {
            byte* page = LogPage(slot);
            SlotErrors[slot] = CheckpointHeader.Validate((CheckpointHeader*)page, Header->VolumeId, LogPages);
            SlotBlank[slot] = new ReadOnlySpan<byte>(page, DiskLayout.PageSize).IndexOfAnyExcept((byte)0) < 0;
        }

        var slot0 = (CheckpointHeader*)LogPage(0);
        var slot1 = (CheckpointHeader*)LogPage(1);
        ChosenSlot = CheckpointHeader.ChooseSlot(slot0, SlotErrors[0] == FormatError.None, slot1, SlotErrors[1] == FormatError.None);
        if (ChosenSlot < 0)
        {
            Fatal = $"no valid checkpoint header (LID 0: {FormatErrors.Name(SlotErrors[0])}; LID 1: {FormatErrors.Name(SlotErrors[1])})";
            return;
        }

        Chosen = ChosenSlot == 0 ? slot0 : slot1;
    }

    private void ReadDirectory()
    {
        if ((Chosen->Flags & CheckpointFlags.Migrated) != 0)
        {
            return; // Migrated: home is current, the directory is history (disk-format.md Recovery).
        }

        for (uint i = 0; i < Chosen->DirectoryPageCount; i++)
        {
            var page = (DirectoryPage*)LogPage(Chosen->DirectoryFirst + i);
            FormatError error = DirectoryPage.Validate(page, Chosen, i, LogPages);
            if (error != FormatError.None)
            {
                DirectoryErrors.Add((i, error));
                continue;
            }

            for (int e = 0; e < (int)page->EntryCount; e++)
            {
                DirectoryEntry entry = *DirectoryPage.Entry(page, e);
                Entries.Add(entry);
                Dictionary<ulong, DirectoryEntry> map = entry.Type == ObType.Node ? NodeEntries
                    : entry.Type == ObType.Page ? PageEntries : TagPotEntries;
                map.TryAdd(entry.Oid.Value, entry);
            }
        }
    }

    /// <summary>True when recovery would refuse this image (no header, or a damaged directory).</summary>
    public bool Refused => Fatal is not null || DirectoryErrors.Count > 0;

    /// <summary>The node <paramref name="oid"/> as recovery sees it, or null when no node range holds it.</summary>
    public DiskNode* Node(Oid oid, out ObjectSource source)
    {
        source = default;
        if (VolumeLayout.Locate(Header, oid, RangeKind.NodeRange, out ObjectLocation location) != FormatError.None)
        {
            return null;
        }

        if (NodeEntries.TryGetValue(oid.Value, out DirectoryEntry entry))
        {
            source = new ObjectSource(true, entry.Lid);
            return NodePot.NodeAt((NodePot*)LogPage(entry.Lid), entry.Slot);
        }

        source = new ObjectSource(false, location.HomePage);
        return NodePot.NodeAt((NodePot*)Page(location.HomePage), location.Slot);
    }

    /// <summary>
    /// The page <paramref name="oid"/> as recovery sees it: false when no page range holds it. Content is
    /// null for a zero page. An unlogged page takes its tag entry from the logged tag pot when its cluster's
    /// tag pot is in the directory, else from home.
    /// </summary>
    public bool TryPage(Oid oid, out uint allocCount, out byte* content, out ObjectSource source)
    {
        allocCount = 0;
        content = null;
        source = default;
        if (VolumeLayout.Locate(Header, oid, RangeKind.PageRange, out ObjectLocation location) != FormatError.None)
        {
            return false;
        }

        if (PageEntries.TryGetValue(oid.Value, out DirectoryEntry entry))
        {
            allocCount = entry.AllocCount;
            content = entry.Lid == DiskLayout.ZeroLid ? null : LogPage(entry.Lid);
            source = new ObjectSource(true, entry.Lid);
            return true;
        }

        TagEntry* tag = TagPot.Entry(TagPotFor(location), location.Slot);
        allocCount = tag->AllocCount;
        content = tag->Tag == FrameTag.DataPage ? Page(location.HomePage) : null;
        source = new ObjectSource(false, location.HomePage);
        return true;
    }

    /// <summary>The current tag pot of a page's cluster: the logged image if the directory names it, else home.</summary>
    public TagPot* TagPotFor(ObjectLocation location) =>
        TagPotEntries.TryGetValue(location.PotFirstOid.Value, out DirectoryEntry tagEntry)
            ? (TagPot*)LogPage(tagEntry.Lid)
            : (TagPot*)Page(location.TagPotPage);
}

/// <summary>Where an object was read: the log (Location = LID) or home (Location = disk page).</summary>
internal readonly record struct ObjectSource(bool FromLog, ulong Location)
{
    public override string ToString() => FromLog ? $"log lid={Location}" : $"home page={Location}";
}
