using System;
using CapOS.Kernel.DiskFormat;
using CapOS.Kernel.NodeTree;

namespace CapOS.Kernel.Tests.Checkpoint;

/// <summary>
/// A small volume as imagegen would write it for the checkpoint writer's tests: one page range
/// of two clusters, one node range with a short last pot, a log of <see cref="LogPages"/> pages;
/// every object zero, checkpoint 1 committed and Migrated in slot 0, slot 1 blank.
/// </summary>
internal static unsafe class CheckpointTestVolume
{
    public const ulong VolumeId = 0x5EED0000CAFE0001;
    public const ulong PageFirstOid = 0x1000;
    public const ulong PageOids = 350;
    public const ulong NodeFirstOid = 0x100000;
    public const ulong NodeOids = 33;
    public const uint LogPages = 64;

    public static ulong PagePages => VolumeLayout.PagesFor(RangeKind.PageRange, PageOids);

    public static ulong NodePages => VolumeLayout.PagesFor(RangeKind.NodeRange, NodeOids);

    public static ulong NodeFirstPage => 2 + PagePages;

    public static ulong LogFirstPage => NodeFirstPage + NodePages;

    public static ulong VolumePages => LogFirstPage + LogPages;

    /// <summary>The fresh image: volume headers, home pots, header slot 0.</summary>
    public static byte[] Build(uint logPages = LogPages)
    {
        ulong volumePages = LogFirstPage + logPages;
        byte[] image = new byte[volumePages * DiskLayout.PageSize];
        fixed (byte* disk = image)
        {
            var volume = (VolumeHeader*)disk;
            WriteVolumeHeader(volume, logPages);
            new Span<byte>(disk, DiskLayout.PageSize).CopyTo(new Span<byte>(disk + DiskLayout.PageSize, DiskLayout.PageSize));
            WriteHomePots(disk, volume);
            var header = (CheckpointHeader*)(disk + (LogFirstPage * DiskLayout.PageSize));
            CheckpointHeader.Initialize(header, 1, VolumeId);
            header->Flags = CheckpointFlags.Migrated;
            PageSeal.Seal((byte*)header);
        }

        return image;
    }

    private static void WriteVolumeHeader(VolumeHeader* header, uint logPages)
    {
        VolumeHeader.Initialize(header);
        header->VolumePageCount = LogFirstPage + logPages;
        header->VolumeId = VolumeId;
        header->RangeCount = 3;
        Set(VolumeHeader.Range(header, 0), RangeKind.PageRange, 2, PagePages, PageFirstOid, PageOids);
        Set(VolumeHeader.Range(header, 1), RangeKind.NodeRange, NodeFirstPage, NodePages, NodeFirstOid, NodeOids);
        Set(VolumeHeader.Range(header, 2), RangeKind.LogRange, LogFirstPage, logPages, 0, 0);
        PageSeal.Seal((byte*)header);
    }

    private static void WriteHomePots(byte* disk, VolumeHeader* volume)
    {
        for (ulong i = 0; i < PageOids; i += TagPot.EntryCapacity)
        {
            VolumeLayout.Locate(volume, new Oid(PageFirstOid + i), out ObjectLocation location);
            var pot = (TagPot*)(disk + (location.TagPotPage * DiskLayout.PageSize));
            TagPot.Initialize(pot, location.PotFirstOid, location.PotObjectCount, 1);
            PageSeal.Seal((byte*)pot);
        }

        for (ulong i = 0; i < NodeOids; i += NodePot.NodeCapacity)
        {
            VolumeLayout.Locate(volume, new Oid(NodeFirstOid + i), out ObjectLocation location);
            var pot = (NodePot*)(disk + (location.HomePage * DiskLayout.PageSize));
            NodePot.Initialize(pot, location.PotFirstOid, location.PotObjectCount, 1);
            PageSeal.Seal((byte*)pot);
        }
    }

    private static void Set(RangeDescriptor* range, RangeKind kind, ulong firstPage, ulong pageCount, ulong firstOid, ulong oidCount)
    {
        range->Kind = kind;
        range->FirstPage = firstPage;
        range->PageCount = pageCount;
        range->FirstOid = new Oid(firstOid);
        range->OidCount = oidCount;
    }
}
