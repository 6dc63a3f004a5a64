using System.Runtime.InteropServices;
using CapOS.Kernel.NodeTree;

namespace CapOS.Kernel.DiskFormat;

/// <summary>
/// The first page of a page-range cluster: AllocCount, tag and data CRC of each of
/// the (up to) 336 data pages that follow it (docs/disk-format.md "Tag pot"; EROS tag pot).
/// </summary>
/// <remarks>
/// I1: sealed (PageSeal); FirstOid and EntryCount match the cluster's place in its range.
/// I2: every entry satisfies TagEntry I1; entries at and beyond EntryCount are zero.
/// A checkpoint that changes any page of the cluster logs the whole tag pot, and
/// migration copies it home like any other image.
/// </remarks>
[StructLayout(LayoutKind.Explicit, Size = DiskLayout.PageSize)]
public unsafe struct TagPot
{
    /// <summary>Data pages per cluster (entries per tag pot): (4096 - 64) / 12.</summary>
    public const int EntryCapacity = 336;

    /// <summary>Byte offset of entry 0.</summary>
    public const int EntriesOffset = 64;

    [FieldOffset(0)]
    public uint Magic;

    [FieldOffset(4)]
    public uint Crc;

    /// <summary>OID of the page in entry 0.</summary>
    [FieldOffset(8)]
    public Oid FirstOid;

    /// <summary>Sequence number of the checkpoint that wrote this image (1 for imagegen's).</summary>
    [FieldOffset(16)]
    public ulong Sequence;

    /// <summary>Entries used (336, fewer only for the last cluster of a range).</summary>
    [FieldOffset(24)]
    public uint EntryCount;

    [FieldOffset(EntriesOffset)]
    private fixed byte _entries[EntryCapacity * TagEntry.Size];

    /// <summary>Entry <paramref name="index"/> (0..335).</summary>
    public static TagEntry* Entry(TagPot* pot, int index) => (TagEntry*)pot->_entries + index;

    /// <summary>Clears the page and fills the header: every entry a zero page with AllocCount 0.</summary>
    public static void Initialize(TagPot* pot, Oid firstOid, uint entryCount, ulong sequence)
    {
        NativeMemory.Clear(pot, DiskLayout.PageSize);
        pot->Magic = DiskLayout.TagPotMagic;
        pot->FirstOid = firstOid;
        pot->EntryCount = entryCount;
        pot->Sequence = sequence;
    }

    /// <summary>Checks I1, I2 against the place the pot was read from (ObjectLocation.PotFirstOid, PotObjectCount).</summary>
    public static FormatError Validate(TagPot* pot, Oid expectedFirstOid, uint expectedEntryCount)
    {
        if (pot->Magic != DiskLayout.TagPotMagic)
        {
            return FormatError.TagPotBadMagic;
        }

        if (!PageSeal.Verify((byte*)pot))
        {
            return FormatError.TagPotBadCrc;
        }

        if (pot->FirstOid != expectedFirstOid)
        {
            return FormatError.TagPotWrongOid;
        }

        if (pot->EntryCount != expectedEntryCount || expectedEntryCount == 0 || expectedEntryCount > EntryCapacity)
        {
            return FormatError.TagPotBadEntryCount;
        }

        for (int i = 0; i < EntryCapacity; i++)
        {
            TagEntry* entry = Entry(pot, i);
            if (entry->Tag > FrameTag.DataPage)
            {
                return FormatError.TagPotBadTag;
            }

            bool unused = i >= expectedEntryCount && (entry->AllocCount != 0 || entry->Tag != FrameTag.ZeroPage);
            bool zeroWithCrc = entry->Tag == FrameTag.ZeroPage && entry->DataCrc != 0;
            if (unused || zeroWithCrc || entry->Reserved0 != 0 || entry->Reserved1 != 0)
            {
                return FormatError.TagPotBadEntry;
            }
        }

        return FormatError.None;
    }
}
