using System;
using System.IO;
using CapOS.Kernel.DiskFormat;
using CapOS.Launcher.Plug.Disk;
using Xunit;

namespace CapOS.Launcher.Tests.Plug.Disk;

public class DiskHeadersTests
{
    [Fact]
    public void TheGeometryComesFromTheVolumeHeader()
    {
        Assert.Equal(TestVolume.Geometry, DiskGeometry.Read(new MemoryStream(TestVolume.Create())));
    }

    [Fact]
    public void ADamagedVolumeHeaderFallsBackToItsCopy()
    {
        byte[] image = TestVolume.Create();
        image[100] ^= 1;

        Assert.Equal(TestVolume.Geometry, DiskGeometry.Read(new MemoryStream(image)));
    }

    [Fact]
    public void AnImageThatIsNoVolumeIsRefusedByName()
    {
        var e = Assert.Throws<InvalidDataException>(() => DiskGeometry.Read(new MemoryStream(new byte[16 * 4096])));

        Assert.Contains("not a CapOS volume", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void TheNewestValidSlotIsTheFloor()
    {
        DiskHeaders headers = DiskHeaders.Read(new MemoryStream(TestVolume.Create(slot0: 7, slot1: 8)), TestVolume.Geometry);

        Assert.Equal(8, headers.Newest);
        Assert.Equal("slot 0: seq 7; slot 1: seq 8", headers.Describe());
    }

    [Fact]
    public void ATornOrForeignHeaderDoesNotCount()
    {
        byte[] image = TestVolume.Create(slot0: 7, slot1: 8);
        image[3 * DiskLayout.PageSize + 600] ^= 0xff;

        DiskHeaders headers = DiskHeaders.Read(new MemoryStream(image), TestVolume.Geometry);

        Assert.Equal(7, headers.Newest);
        Assert.False(headers.Slot1.Valid);
        Assert.Equal(FormatError.CheckpointBadCrc, headers.Slot1.Error);
        Assert.Equal(0, DiskHeaders.Read(new MemoryStream(TestVolume.Create(slot0: null)), TestVolume.Geometry).Newest);
        Assert.Equal(0, DiskHeaders.Read(new MemoryStream(TestVolume.Create(slot0: 3)), TestVolume.Geometry with { VolumeId = 1 }).Newest);
    }

    [Fact]
    public void AMigratedCopyIsSeen()
    {
        DiskHeaders headers = DiskHeaders.Read(new MemoryStream(TestVolume.Create(slot0: 7, slot1: 7, migrated1: true)), TestVolume.Geometry);

        Assert.Equal(7, headers.Newest);
        Assert.True(headers.Slot1.Migrated);
        Assert.Equal("slot 0: seq 7; slot 1: seq 7 migrated", headers.Describe());
    }

    [Theory]
    [InlineData(0UL, DiskRegion.Home)]
    [InlineData(15UL, DiskRegion.Home)]
    [InlineData(16UL, DiskRegion.HeaderSlot)]
    [InlineData(31UL, DiskRegion.HeaderSlot)]
    [InlineData(32UL, DiskRegion.LogArea)]
    [InlineData(79UL, DiskRegion.LogArea)]
    [InlineData(80UL, DiskRegion.Home)]
    public void SectorsFallInTheirRegion(ulong sector, DiskRegion region) =>
        Assert.Equal(region, TestVolume.Geometry.Region(sector));
}
