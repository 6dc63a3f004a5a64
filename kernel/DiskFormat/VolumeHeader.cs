using System.Runtime.InteropServices;

namespace CapOS.Kernel.DiskFormat;

/// <summary>
/// The volume header, in disk page 0 and identically in page 1 (docs/disk-format.md
/// "Volume header"; EROS volume header and division table).
/// </summary>
/// <remarks>
/// Written once by imagegen; the kernel only reads it (a reader takes page 0 and
/// falls back to page 1 when page 0 does not validate).
/// I1: sealed (PageSeal) and valid per <see cref="Validate"/>; range slots at and
/// beyond RangeCount are zero.
/// </remarks>
[StructLayout(LayoutKind.Explicit, Size = DiskLayout.PageSize)]
public unsafe struct VolumeHeader
{
    /// <summary>Largest range table.</summary>
    public const int MaxRanges = 32;

    /// <summary>Byte offset of the range table.</summary>
    public const int RangesOffset = 64;

    /// <summary><see cref="DiskLayout.VolumeMagic"/>.</summary>
    [FieldOffset(0)]
    public uint Magic;

    /// <summary>CRC-32C of the page with this field read as zero.</summary>
    [FieldOffset(4)]
    public uint Crc;

    /// <summary><see cref="DiskLayout.FormatVersion"/>.</summary>
    [FieldOffset(8)]
    public uint FormatVersion;

    /// <summary>Entries used in the range table (1..32).</summary>
    [FieldOffset(12)]
    public uint RangeCount;

    /// <summary>Disk pages in the volume (the disk may be larger).</summary>
    [FieldOffset(16)]
    public ulong VolumePageCount;

    /// <summary>
    /// Identity of this volume, chosen by imagegen (deterministic from the description) and
    /// repeated in every checkpoint header, so headers of another volume are never trusted.
    /// </summary>
    [FieldOffset(24)]
    public ulong VolumeId;

    [FieldOffset(RangesOffset)]
    private fixed byte _ranges[MaxRanges * RangeDescriptor.Size];

    /// <summary>Range-table entry <paramref name="index"/> (0..31).</summary>
    public static RangeDescriptor* Range(VolumeHeader* header, int index) =>
        (RangeDescriptor*)header->_ranges + index;

    /// <summary>Fills magic and version; the writer then sets the rest and seals with <see cref="PageSeal.Seal"/>.</summary>
    public static void Initialize(VolumeHeader* header)
    {
        System.Runtime.InteropServices.NativeMemory.Clear(header, DiskLayout.PageSize);
        header->Magic = DiskLayout.VolumeMagic;
        header->FormatVersion = DiskLayout.FormatVersion;
    }

    /// <summary>
    /// Checks a header read from disk: magic, CRC, version, then the range table
    /// (VolumeLayout.ValidateRanges). <paramref name="diskPageCount"/> is the device size in pages.
    /// </summary>
    public static FormatError Validate(VolumeHeader* header, ulong diskPageCount)
    {
        if (header->Magic != DiskLayout.VolumeMagic)
        {
            return FormatError.VolumeBadMagic;
        }

        if (!PageSeal.Verify((byte*)header))
        {
            return FormatError.VolumeBadCrc;
        }

        if (header->FormatVersion != DiskLayout.FormatVersion)
        {
            return FormatError.VolumeBadVersion;
        }

        if (header->RangeCount == 0 || header->RangeCount > MaxRanges)
        {
            return FormatError.VolumeBadRangeCount;
        }

        if (header->VolumePageCount < DiskLayout.FirstRangePage + DiskLayout.MinimumLogPages
            || header->VolumePageCount > diskPageCount)
        {
            return FormatError.VolumeBadPageCount;
        }

        return VolumeLayout.ValidateRanges(header);
    }
}
