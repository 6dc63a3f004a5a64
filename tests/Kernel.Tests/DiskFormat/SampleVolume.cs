using CapOS.Kernel.DiskFormat;
using CapOS.Kernel.NodeTree;

namespace CapOS.Kernel.Tests.DiskFormat;

/// <summary>A small, valid volume layout the format tests share: one page range, one node range, one log.</summary>
internal static unsafe class SampleVolume
{
    public const ulong VolumeId = 0xC0FFEE0012345678;
    public const ulong PageFirstOid = 0x1000;
    public const ulong PageOids = 700;
    public const ulong NodeFirstOid = 0x100000;
    public const ulong NodeOids = 65;
    public const ulong NodePages = 10;
    public const ulong LogPages = 64;

    public static ulong PagePages => VolumeLayout.PagesFor(RangeKind.PageRange, PageOids);

    public static ulong NodeFirstPage => 2 + PagePages;

    public static ulong LogFirstPage => NodeFirstPage + NodePages;

    public static ulong VolumePages => LogFirstPage + LogPages;

    /// <summary>Writes the sealed sample header at <paramref name="header"/>.</summary>
    public static void Write(VolumeHeader* header)
    {
        VolumeHeader.Initialize(header);
        header->VolumePageCount = VolumePages;
        header->VolumeId = VolumeId;
        header->RangeCount = 3;
        Set(VolumeHeader.Range(header, 0), RangeKind.PageRange, 2, PagePages, PageFirstOid, PageOids);
        Set(VolumeHeader.Range(header, 1), RangeKind.NodeRange, NodeFirstPage, NodePages, NodeFirstOid, NodeOids);
        Set(VolumeHeader.Range(header, 2), RangeKind.LogRange, LogFirstPage, LogPages, 0, 0);
        PageSeal.Seal((byte*)header);
    }

    public static void Set(RangeDescriptor* range, RangeKind kind, ulong firstPage, ulong pageCount, ulong firstOid, ulong oidCount)
    {
        range->Kind = kind;
        range->FirstPage = firstPage;
        range->PageCount = pageCount;
        range->FirstOid = new Oid(firstOid);
        range->OidCount = oidCount;
    }

    /// <summary>Flips each byte of the 4096-byte page in turn and returns the first offset the check missed, or -1.</summary>
    public static int FirstUndetectedFlip(byte* page, System.Func<bool> isValid)
    {
        for (int i = 0; i < DiskLayout.PageSize; i++)
        {
            page[i] ^= 0xFF;
            bool valid = isValid();
            page[i] ^= 0xFF;
            if (valid)
            {
                return i;
            }
        }

        return -1;
    }
}
