using System;
using System.IO;
using CapOS.Kernel.DiskFormat;

namespace CapOS.Launcher.Plug.Disk;

/// <summary>
/// What the plug judge needs of a volume's layout (docs/disk-format.md "Volume layout"): its identity and
/// where its log range, and so its two checkpoint header slots, lie. Read from the volume header (page 0, or
/// its copy in page 1 when page 0 does not validate) with the kernel's own format code, linked into the
/// launcher as imagegen links it. The volume header is written once by imagegen and never by the kernel, so
/// one reading serves a whole campaign.
/// </summary>
/// <param name="VolumeId">The volume's identity; every valid checkpoint header repeats it.</param>
/// <param name="LogFirstSector">The first 512-byte sector of the log range (LID 0).</param>
/// <param name="LogPageCount">Pages in the log range.</param>
public sealed record DiskGeometry(ulong VolumeId, ulong LogFirstSector, uint LogPageCount)
{
    /// <summary>Sectors per 4 KiB page.</summary>
    public const int SectorsPerPage = DiskLayout.SectorsPerPage;

    /// <summary>The first sector of header slot <paramref name="slot"/> (0 or 1).</summary>
    public ulong SlotSector(int slot) => LogFirstSector + (ulong)(slot * SectorsPerPage);

    /// <summary>The region <paramref name="sector"/> lies in.</summary>
    public DiskRegion Region(ulong sector)
    {
        ulong logEnd = LogFirstSector + (ulong)LogPageCount * SectorsPerPage;
        if (sector < LogFirstSector || sector >= logEnd)
        {
            return DiskRegion.Home;
        }
        return sector < LogFirstSector + 2 * SectorsPerPage ? DiskRegion.HeaderSlot : DiskRegion.LogArea;
    }

    /// <summary>Reads the geometry of the image in <paramref name="image"/>.</summary>
    /// <exception cref="InvalidDataException">Neither volume header page validates.</exception>
    public static DiskGeometry Read(Stream image)
    {
        ulong diskPages = (ulong)image.Length / DiskLayout.PageSize;
        FormatError first = FormatError.None;
        foreach (ulong page in new[] { DiskLayout.VolumeHeaderPage, DiskLayout.VolumeHeaderCopyPage })
        {
            byte[] bytes = DiskPages.Read(image, page);
            (DiskGeometry? geometry, FormatError error) = Decode(bytes, diskPages);
            if (geometry is not null)
            {
                return geometry;
            }
            first = first == FormatError.None ? error : first;
        }
        throw new InvalidDataException($"not a CapOS volume: its volume header does not validate ({FormatErrors.Name(first)})");
    }

    private static unsafe (DiskGeometry?, FormatError) Decode(byte[] page, ulong diskPages)
    {
        fixed (byte* bytes = page)
        {
            var header = (VolumeHeader*)bytes;
            FormatError error = VolumeHeader.Validate(header, diskPages);
            if (error != FormatError.None)
            {
                return (null, error);
            }
            RangeDescriptor* log = VolumeHeader.Range(header, VolumeLayout.FindLogRange(header));
            return (new DiskGeometry(header->VolumeId, log->FirstPage * SectorsPerPage, (uint)log->PageCount), FormatError.None);
        }
    }
}
