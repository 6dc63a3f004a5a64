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

    /// <summary>I2: slicing-by-8 equals the bitwise definition on seeded random buffers, every length 0..64 and every start alignment.</summary>
    [Fact]
    public void SlicingBy8MatchesTheBitwiseDefinition()
    {
        using var machine = new SimulatedMachine();
        byte* data = machine.MemoryBase;
        var random = new System.Random(4);
        for (int i = 0; i < 4096 + 16; i++)
        {
            data[i] = (byte)random.Next(256);
        }

        for (int start = 0; start < 8; start++)
        {
            for (int length = 0; length <= 64; length++)
            {
                Assert.Equal(Bitwise(0, data + start, length), Crc32C.Compute(data + start, (nuint)length));
            }
        }

        for (int round = 0; round < 50; round++)
        {
            int start = random.Next(16);
            int length = random.Next(4097);
            uint seed = (uint)random.Next();
            Assert.Equal(Bitwise(seed, data + start, length), Crc32C.Append(seed, data + start, (nuint)length));
        }
    }

    /// <summary>The definition, one bit at a time, no table: the reference for <see cref="SlicingBy8MatchesTheBitwiseDefinition"/>.</summary>
    private static uint Bitwise(uint crc, byte* data, int length)
    {
        uint state = ~crc;
        for (int i = 0; i < length; i++)
        {
            state ^= data[i];
            for (int bit = 0; bit < 8; bit++)
            {
                state = (state & 1) != 0 ? (state >> 1) ^ Crc32C.Polynomial : state >> 1;
            }
        }

        return ~state;
    }
}
