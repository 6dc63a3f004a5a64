using System;
using CapOS.Kernel.Boot;
using CapOS.Kernel.DiskFormat;
using CapOS.Kernel.Host;
using CapOS.Kernel.Io;
using CapOS.Kernel.Memory;
using CapOS.Kernel.Testing;
using CapOS.Kernel.Tests.Memory;
using Xunit;

namespace CapOS.Kernel.Tests.Testing;

/// <summary>The disk self-test (test=disk) against the simulated disk.</summary>
public sealed unsafe class DiskSelfTestTests
{
    private const int MiB = 1024 * 1024;

    [Fact]
    public void PassesOnAHealthyDiskWithThirtyTwoInFlightAndGivesItsPagesBack()
    {
        using var machine = new SimulatedMachine();
        BootInfo boot = PageAllocatorTests.TypicalMachine();
        Assert.True(PageAllocator.Initialize(&boot));
        ulong freeBefore = PageAllocator.FreePages;
        var disk = new SimulatedDisk(SeededImage(8 * MiB, seed: 7));
        uint expectedCrc = PageCrc(disk.Image);

        Assert.True(DiskSelfTest.Run());

        Assert.Contains($"disk: read page 0 crc=0x{expectedCrc:x8}\n", machine.ConsoleText);
        Assert.Contains("disk: write-throughput=", machine.ConsoleText);
        Assert.Contains("disk: out-of-range reads failed as they must: error=BadRequest,BadRequest\n", machine.ConsoleText);
        Assert.EndsWith("disk: selftest ok inflight=32\n", machine.ConsoleText);
        Assert.Equal(freeBefore, PageAllocator.FreePages);
        Assert.Equal(1, disk.FlushCount);
        Assert.Equal((long)DiskSelfTest.ScratchPages, disk.WriteCount);
    }

    [Fact]
    public void WritesThePatternIntoTheScratchAreaAndNothingElse()
    {
        using var machine = new SimulatedMachine();
        BootInfo boot = PageAllocatorTests.TypicalMachine();
        Assert.True(PageAllocator.Initialize(&boot));
        byte[] original = SeededImage(8 * MiB, seed: 11);
        var disk = new SimulatedDisk((byte[])original.Clone());

        Assert.True(DiskSelfTest.Run());

        ulong first = DiskSelfTest.ScratchSector((ulong)original.Length / BlockDevice.SectorSize);
        int scratchOffset = checked((int)first * BlockDevice.SectorSize);
        Assert.Equal(original.AsSpan(0, scratchOffset).ToArray(), disk.Image.AsSpan(0, scratchOffset).ToArray());
        for (int offset = scratchOffset; offset < disk.Image.Length; offset += 8)
        {
            ulong sector = (ulong)offset / BlockDevice.SectorSize;
            uint word = (uint)(offset % BlockDevice.SectorSize / 8);
            Assert.Equal(DiskSelfTest.PatternWord(sector, word), BitConverter.ToUInt64(disk.Image, offset));
        }
    }

    [Fact]
    public void AnInjectedWriteErrorFailsTheTestNamingThePage()
    {
        using var machine = new SimulatedMachine();
        BootInfo boot = PageAllocatorTests.TypicalMachine();
        Assert.True(PageAllocator.Initialize(&boot));
        _ = new SimulatedDisk(new byte[8 * MiB]) { FailWrite = 5 };

        Assert.False(DiskSelfTest.Run());

        Assert.EndsWith("disk: selftest FAILED: write of scratch page 4 error=IoError\n", machine.ConsoleText);
    }

    [Fact]
    public void WithoutADiskItIsSkipped()
    {
        using var machine = new SimulatedMachine();

        Assert.False(DiskSelfTest.Run());

        Assert.Equal("disk: selftest skipped: no disk\n", machine.ConsoleText);
    }

    [Fact]
    public void ADiskTooSmallForTheScratchAreaFails()
    {
        using var machine = new SimulatedMachine();
        _ = new SimulatedDisk(new byte[2 * MiB]);

        Assert.False(DiskSelfTest.Run());

        Assert.Equal("disk: selftest FAILED: disk smaller than 4 MiB\n", machine.ConsoleText);
    }

    private static byte[] SeededImage(int bytes, int seed)
    {
        var image = new byte[bytes];
        new Random(seed).NextBytes(image);
        return image;
    }

    private static uint PageCrc(byte[] image)
    {
        fixed (byte* data = image)
        {
            return Crc32C.Compute(data, 4096);
        }
    }

    [Fact]
    public void RefusesToWriteWhenTheScratchAreaLiesInsideAVolume()
    {
        using var machine = new SimulatedMachine();
        BootInfo boot = PageAllocatorTests.TypicalMachine();
        Assert.True(PageAllocator.Initialize(&boot));
        byte[] image = SeededImage(8 * MiB, seed: 13);
        byte[] volume = new CapOS.Kernel.Tests.Checkpoint.VolumeBuilder().Build();
        volume.AsSpan(0, DiskLayout.PageSize).CopyTo(image);
        fixed (byte* page = image)
        {
            ((VolumeHeader*)page)->VolumePageCount = (ulong)image.Length / DiskLayout.PageSize;
            PageSeal.Seal(page);
        }

        var disk = new SimulatedDisk((byte[])image.Clone());

        Assert.False(DiskSelfTest.Run());

        Assert.Contains("disk: selftest FAILED: the scratch area (the disk's last 2 MiB) lies inside a CapOS volume", machine.ConsoleText);
        Assert.Equal(0, disk.WriteCount);
        Assert.Equal(image, disk.Image);
    }
}
