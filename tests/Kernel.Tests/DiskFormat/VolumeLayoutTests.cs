using CapOS.Kernel.DiskFormat;
using CapOS.Kernel.Host;
using CapOS.Kernel.NodeTree;
using Xunit;

namespace CapOS.Kernel.Tests.DiskFormat;

public sealed unsafe class VolumeLayoutTests
{
    [Fact]
    public void CapacityAndPagesForAgree()
    {
        Assert.Equal(0ul, VolumeLayout.Capacity(RangeKind.PageRange, 1));
        Assert.Equal(1ul, VolumeLayout.Capacity(RangeKind.PageRange, 2));
        Assert.Equal(336ul, VolumeLayout.Capacity(RangeKind.PageRange, 337));
        Assert.Equal(336ul, VolumeLayout.Capacity(RangeKind.PageRange, 338));
        Assert.Equal(337ul, VolumeLayout.Capacity(RangeKind.PageRange, 339));
        Assert.Equal(70ul, VolumeLayout.Capacity(RangeKind.NodeRange, 10));
        Assert.Equal(0ul, VolumeLayout.Capacity(RangeKind.LogRange, 10));
        for (ulong n = 1; n < 2000; n += 7)
        {
            ulong pages = VolumeLayout.PagesFor(RangeKind.PageRange, n);
            Assert.True(VolumeLayout.Capacity(RangeKind.PageRange, pages) >= n);
            Assert.True(VolumeLayout.Capacity(RangeKind.PageRange, pages - 1) < n);
            ulong pots = VolumeLayout.PagesFor(RangeKind.NodeRange, n);
            Assert.True(VolumeLayout.Capacity(RangeKind.NodeRange, pots) >= n);
            Assert.True(VolumeLayout.Capacity(RangeKind.NodeRange, pots - 1) < n);
        }
    }

    [Fact]
    public void LocatesPagesAtClusterBoundaries()
    {
        using var machine = new SimulatedMachine();
        var h = (VolumeHeader*)machine.MemoryBase;
        SampleVolume.Write(h);

        ObjectLocation at = Locate(h, SampleVolume.PageFirstOid);
        Assert.Equal(RangeKind.PageRange, at.Kind);
        Assert.Equal(0, at.RangeIndex);
        Assert.Equal(2ul, at.TagPotPage);
        Assert.Equal(3ul, at.HomePage);
        Assert.Equal(0, at.Slot);
        Assert.Equal(336u, at.PotObjectCount);

        at = Locate(h, SampleVolume.PageFirstOid + 335);
        Assert.Equal(2ul, at.TagPotPage);
        Assert.Equal(2ul + 336, at.HomePage);
        Assert.Equal(335, at.Slot);

        at = Locate(h, SampleVolume.PageFirstOid + 336);
        Assert.Equal(2ul + 337, at.TagPotPage);
        Assert.Equal(2ul + 338, at.HomePage);
        Assert.Equal(0, at.Slot);
        Assert.Equal(new Oid(SampleVolume.PageFirstOid + 336), at.PotFirstOid);

        at = Locate(h, SampleVolume.PageFirstOid + SampleVolume.PageOids - 1);
        Assert.Equal(2ul + (2 * 337), at.TagPotPage);
        Assert.Equal(SampleVolume.PageOids - 672, (ulong)at.PotObjectCount);
        Assert.Equal(at.TagPotPage + 1 + (ulong)at.Slot, at.HomePage);
        Assert.Equal(SampleVolume.NodeFirstPage - 1, at.HomePage);
    }

    [Fact]
    public void LocatesNodesInPots()
    {
        using var machine = new SimulatedMachine();
        var h = (VolumeHeader*)machine.MemoryBase;
        SampleVolume.Write(h);

        ObjectLocation at = Locate(h, SampleVolume.NodeFirstOid + 6);
        Assert.Equal(RangeKind.NodeRange, at.Kind);
        Assert.Equal(SampleVolume.NodeFirstPage, at.HomePage);
        Assert.Equal(6, at.Slot);
        Assert.Equal(0ul, at.TagPotPage);

        at = Locate(h, SampleVolume.NodeFirstOid + 7);
        Assert.Equal(SampleVolume.NodeFirstPage + 1, at.HomePage);
        Assert.Equal(0, at.Slot);
        Assert.Equal(new Oid(SampleVolume.NodeFirstOid + 7), at.PotFirstOid);

        at = Locate(h, SampleVolume.NodeFirstOid + SampleVolume.NodeOids - 1);
        Assert.Equal(SampleVolume.NodeFirstPage + 9, at.HomePage);
        Assert.Equal(1, at.Slot);
        Assert.Equal(2u, at.PotObjectCount);
    }

    [Fact]
    public void UnknownOidsAndWrongKinds()
    {
        using var machine = new SimulatedMachine();
        var h = (VolumeHeader*)machine.MemoryBase;
        SampleVolume.Write(h);
        ulong[] outside =
        {
            0, SampleVolume.PageFirstOid - 1, SampleVolume.PageFirstOid + SampleVolume.PageOids,
            SampleVolume.NodeFirstOid - 1, SampleVolume.NodeFirstOid + SampleVolume.NodeOids, ulong.MaxValue,
        };
        for (int i = 0; i < outside.Length; i++)
        {
            Assert.Equal(FormatError.UnknownOid, VolumeLayout.Locate(h, new Oid(outside[i]), out _));
        }

        Assert.Equal(FormatError.WrongObjectKind, VolumeLayout.Locate(h, new Oid(SampleVolume.NodeFirstOid), RangeKind.PageRange, out _));
        Assert.Equal(FormatError.None, VolumeLayout.Locate(h, new Oid(SampleVolume.NodeFirstOid), RangeKind.NodeRange, out _));
    }

    [Fact]
    public void LogPagesAndCircularArea()
    {
        using var machine = new SimulatedMachine();
        var h = (VolumeHeader*)machine.MemoryBase;
        SampleVolume.Write(h);
        RangeDescriptor* log = VolumeHeader.Range(h, VolumeLayout.FindLogRange(h));
        Assert.Equal(SampleVolume.LogFirstPage + 5, VolumeLayout.LogPage(log, 5));

        Assert.True(VolumeLayout.AreaContains(10, 5, 10, 64));
        Assert.True(VolumeLayout.AreaContains(10, 5, 14, 64));
        Assert.False(VolumeLayout.AreaContains(10, 5, 15, 64));
        Assert.False(VolumeLayout.AreaContains(10, 5, 9, 64));
        Assert.True(VolumeLayout.AreaContains(60, 8, 63, 64));
        Assert.True(VolumeLayout.AreaContains(60, 8, 2, 64));
        Assert.True(VolumeLayout.AreaContains(60, 8, 5, 64));
        Assert.False(VolumeLayout.AreaContains(60, 8, 6, 64));
        Assert.False(VolumeLayout.AreaContains(60, 8, 1, 64));
        Assert.False(VolumeLayout.AreaContains(2, 62, 64, 64));
        Assert.False(VolumeLayout.AreaContains(2, 0, 2, 64));
    }

    private static ObjectLocation Locate(VolumeHeader* h, ulong oid)
    {
        Assert.Equal(FormatError.None, VolumeLayout.Locate(h, new Oid(oid), out ObjectLocation location));
        return location;
    }
}
