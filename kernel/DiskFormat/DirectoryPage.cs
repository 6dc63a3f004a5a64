using System.Runtime.InteropServices;
using CapOS.Kernel.NodeTree;

namespace CapOS.Kernel.DiskFormat;

/// <summary>
/// One page of a checkpoint's directory (docs/disk-format.md "Directory"; EROS
/// checkpoint directory pages). A checkpoint writes its directory contiguously
/// at CheckpointHeader.DirectoryFirst.
/// </summary>
/// <remarks>
/// I1: sealed (PageSeal); Sequence is the checkpoint's; PageIndex is the page's
/// position in its directory, so a stale page from an older checkpoint or a page
/// written to the wrong LID is refused.
/// I2: EntryCount &lt;= EntryCapacity, and only the last page of a directory is partial.
/// I3: every entry satisfies DirectoryEntry I1.
/// </remarks>
[StructLayout(LayoutKind.Explicit, Size = DiskLayout.PageSize)]
public unsafe struct DirectoryPage
{
    /// <summary>Entries per page: (4096 - 32) / 24.</summary>
    public const int EntryCapacity = 169;

    /// <summary>Byte offset of entry 0.</summary>
    public const int EntriesOffset = 32;

    [FieldOffset(0)]
    public uint Magic;

    [FieldOffset(4)]
    public uint Crc;

    /// <summary>Sequence number of the checkpoint this page belongs to.</summary>
    [FieldOffset(8)]
    public ulong Sequence;

    /// <summary>Entries used in this page.</summary>
    [FieldOffset(16)]
    public uint EntryCount;

    /// <summary>Position of this page in its directory (0 = at DirectoryFirst).</summary>
    [FieldOffset(20)]
    public uint PageIndex;

    [FieldOffset(EntriesOffset)]
    private fixed byte _entries[EntryCapacity * DirectoryEntry.Size];

    /// <summary>Entry <paramref name="index"/> (0..168).</summary>
    public static DirectoryEntry* Entry(DirectoryPage* page, int index) => (DirectoryEntry*)page->_entries + index;

    /// <summary>Clears the page and fills the header.</summary>
    public static void Initialize(DirectoryPage* page, ulong sequence, uint pageIndex)
    {
        NativeMemory.Clear(page, DiskLayout.PageSize);
        page->Magic = DiskLayout.DirectoryMagic;
        page->Sequence = sequence;
        page->PageIndex = pageIndex;
    }

    /// <summary>
    /// Checks page <paramref name="pageIndex"/> of the directory of <paramref name="header"/> (already
    /// validated), with <paramref name="logPageCount"/> pages in the log.
    /// </summary>
    public static FormatError Validate(DirectoryPage* page, CheckpointHeader* header, uint pageIndex, uint logPageCount)
    {
        if (page->Magic != DiskLayout.DirectoryMagic)
        {
            return FormatError.DirectoryBadMagic;
        }

        if (!PageSeal.Verify((byte*)page))
        {
            return FormatError.DirectoryBadCrc;
        }

        if (page->Sequence != header->Sequence)
        {
            return FormatError.DirectoryWrongSequence;
        }

        if (page->PageIndex != pageIndex)
        {
            return FormatError.DirectoryWrongIndex;
        }

        ulong before = (ulong)pageIndex * EntryCapacity;
        ulong expected = header->DirectoryEntryCount > before ? System.Math.Min(EntryCapacity, header->DirectoryEntryCount - before) : 0;
        if (page->EntryCount != expected)
        {
            return FormatError.DirectoryBadEntryCount;
        }

        for (int i = 0; i < (int)page->EntryCount; i++)
        {
            FormatError error = ValidateEntry(Entry(page, i), header, logPageCount);
            if (error != FormatError.None)
            {
                return error;
            }
        }

        return FormatError.None;
    }

    private static FormatError ValidateEntry(DirectoryEntry* entry, CheckpointHeader* header, uint logPageCount)
    {
        if (entry->Type != ObType.Page && entry->Type != ObType.Node && entry->Type != ObType.TagPot)
        {
            return FormatError.DirectoryBadType;
        }

        if (entry->Oid.IsNull)
        {
            return FormatError.DirectoryNullOid;
        }

        bool zero = entry->Lid == DiskLayout.ZeroLid;
        if (zero ? entry->Type != ObType.Page || entry->ImageCrc != 0
                 : !VolumeLayout.AreaContains(header->LogAreaFirst, header->LogAreaCount, entry->Lid, logPageCount))
        {
            return FormatError.DirectoryBadLid;
        }

        int slotLimit = entry->Type == ObType.Node ? NodePot.NodeCapacity : 1;
        if (entry->Slot >= slotLimit || entry->Reserved != 0)
        {
            return FormatError.DirectoryBadSlot;
        }

        return FormatError.None;
    }
}
