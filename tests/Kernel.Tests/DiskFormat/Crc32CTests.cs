using CapOS.Kernel.DiskFormat;
using CapOS.Kernel.Host;
using Xunit;

namespace CapOS.Kernel.Tests.DiskFormat;

public sealed unsafe class Crc32CTests
{
    [Fact]
    public void CheckValueOf123456789()
    {
        using var machine = new SimulatedMachine();
        byte* text = stackalloc byte[9];
        for (int i = 0; i < 9; i++)
        {
            text[i] = (byte)('1' + i);
        }

        Assert.Equal(0xE3069283u, Crc32C.Compute(text, 9));
    }

    [Fact]
    public void EmptyInputIsZero()
    {
        using var machine = new SimulatedMachine();
        Assert.Equal(0u, Crc32C.Compute(machine.MemoryBase, 0));
    }

    [Fact]
    public void AppendContinuesACrc()
    {
        using var machine = new SimulatedMachine();
        byte* data = machine.MemoryBase;
        for (int i = 0; i < 1000; i++)
        {
            data[i] = (byte)(i * 31);
        }

        uint whole = Crc32C.Compute(data, 1000);
        Assert.Equal(whole, Crc32C.Append(Crc32C.Compute(data, 377), data + 377, 623));
    }

    [Fact]
    public void ZeroPageCrcConstantMatches()
    {
        using var machine = new SimulatedMachine();
        Assert.Equal(DiskLayout.ZeroPageCrc, Crc32C.Compute(machine.MemoryBase, DiskLayout.PageSize));
        Assert.Equal(DiskLayout.ZeroPageCrc, Crc32C.AppendZeros(0, DiskLayout.PageSize));
    }

    [Fact]
    public void ComputeSkippingReadsTheCrcFieldAsZero()
    {
        using var machine = new SimulatedMachine();
        byte* page = machine.MemoryBase;
        page[100] = 7;
        uint expected = Crc32C.Compute(page, DiskLayout.PageSize);
        *(uint*)(page + 4) = 0xDEADBEEF;
        Assert.Equal(expected, Crc32C.ComputeSkipping(page, DiskLayout.PageSize, 4));
    }

    [Fact]
    public void SealedPageVerifiesAndAnyFlippedByteIsCaught()
    {
        using var machine = new SimulatedMachine();
        byte* page = machine.MemoryBase;
        for (int i = 8; i < DiskLayout.PageSize; i++)
        {
            page[i] = (byte)(i ^ (i >> 8));
        }

        PageSeal.Seal(page);
        Assert.True(PageSeal.Verify(page));
        Assert.Equal(-1, SampleVolume.FirstUndetectedFlip(page, () => PageSeal.Verify(page)));
    }
}
