using System;
using CapOS.Kernel.Host;
using CapOS.Kernel.Io;
using Xunit;

namespace CapOS.Kernel.Tests.Io;

public sealed unsafe class BlockIoTests
{
    private const int Sector = BlockDevice.SectorSize;

    [Fact]
    public void WriteThenReadRoundTrips()
    {
        using var machine = new SimulatedMachine();
        var disk = new SimulatedDisk(new byte[64 * Sector]);
        byte* buffer = machine.MemoryBase + 0x10000;
        for (int i = 0; i < 2 * Sector; i++)
        {
            buffer[i] = (byte)(i * 7);
        }

        Assert.Equal(DiskError.None, BlockIo.Write(10, 2, buffer));
        NativeClear(buffer, 2 * Sector);
        Assert.Equal(DiskError.None, BlockIo.Read(10, 2, buffer));
        Assert.Equal((byte)(300 * 7 % 256), buffer[300]);
        Assert.Equal((byte)(7 * 7), disk.Image[(10 * Sector) + 7]);
        Assert.Equal(1, disk.WriteCount);
    }

    [Fact]
    public void OutOfRangeRequestFailsWithBadRequest()
    {
        using var machine = new SimulatedMachine();
        _ = new SimulatedDisk(new byte[8 * Sector]);
        Assert.Equal(DiskError.BadRequest, BlockIo.Read(7, 2, machine.MemoryBase));
        Assert.Equal(DiskError.BadRequest, BlockIo.Read(0, 0, machine.MemoryBase));
    }

    [Fact]
    public void NoDiskReportsNoDevice()
    {
        using var machine = new SimulatedMachine();
        Assert.False(BlockDevice.Present());
        Assert.Equal(DiskError.NoDevice, BlockIo.Read(0, 1, machine.MemoryBase));
    }

    [Fact]
    public void InjectedWriteFailureReachesTheCallerAndChangesNothing()
    {
        using var machine = new SimulatedMachine();
        var disk = new SimulatedDisk(new byte[8 * Sector]) { FailWrite = 2 };
        machine.MemoryBase[0] = 0xAA;
        Assert.Equal(DiskError.None, BlockIo.Write(0, 1, machine.MemoryBase));
        Assert.Equal(DiskError.IoError, BlockIo.Write(1, 1, machine.MemoryBase));
        Assert.Equal(0, disk.Image[Sector]);
    }

    [Fact]
    public void TornWriteLandsOnlyItsFirstSectorsThenThePowerIsGone()
    {
        using var machine = new SimulatedMachine();
        var disk = new SimulatedDisk(new byte[8 * Sector]) { PowerCutAfterWrite = 1, TornSectors = 1 };
        new Span<byte>(machine.MemoryBase, 2 * Sector).Fill(0x55);
        Assert.Throws<PowerLossException>(() => BlockIo.Write(0, 2, machine.MemoryBase));
        byte[] after = disk.SurvivingImage();
        Assert.Equal(0x55, after[Sector - 1]);
        Assert.Equal(0, after[Sector]);
        Assert.Throws<PowerLossException>(() => BlockIo.Read(0, 1, machine.MemoryBase));
    }

    [Fact]
    public void DropUnflushedLosesOnlyWritesAfterTheLastFlush()
    {
        using var machine = new SimulatedMachine();
        var disk = new SimulatedDisk(new byte[8 * Sector])
        {
            PowerCutAfterWrite = 2,
            LossModel = PowerLossModel.DropUnflushedWrites,
        };
        machine.MemoryBase[0] = 1;
        Assert.Equal(DiskError.None, BlockIo.Write(0, 1, machine.MemoryBase));
        Assert.Equal(DiskError.None, BlockIo.Flush());
        machine.MemoryBase[0] = 2;
        Assert.Throws<PowerLossException>(() => BlockIo.Write(1, 1, machine.MemoryBase));
        byte[] after = disk.SurvivingImage();
        Assert.Equal(1, after[0]);
        Assert.Equal(0, after[Sector]);
    }

    private static void NativeClear(byte* buffer, int length) => new Span<byte>(buffer, length).Clear();
}
