using System;
using System.Buffers.Binary;
using System.IO;
using CapOS.Launcher.Bench.Lmbench;
using Xunit;

namespace CapOS.Launcher.Tests.Bench.Lmbench;

public class BzImageTests
{
    private static byte[] Image(byte setupSectors, uint payloadOffset, uint payloadLength, bool xz = true)
    {
        var image = new byte[32768];
        image[0x1F1] = setupSectors;
        BinaryPrimitives.WriteUInt32LittleEndian(image.AsSpan(0x202), 0x53726448);
        BinaryPrimitives.WriteUInt32LittleEndian(image.AsSpan(0x248), payloadOffset);
        BinaryPrimitives.WriteUInt32LittleEndian(image.AsSpan(0x24C), payloadLength);
        int start = ((setupSectors == 0 ? 4 : setupSectors) + 1) * 512 + (int)payloadOffset;
        if (xz)
        {
            BzImage.XzMagic.CopyTo(image, start);
        }
        return image;
    }

    [Fact]
    public void ThePayloadStartsAfterTheSetupSectorsAtItsOffset()
    {
        Assert.Equal((27 * 512 + 0x10, 100), BzImage.XzPayload(Image(26, 0x10, 100)));
    }

    [Fact]
    public void ZeroSetupSectorsMeansFour()
    {
        Assert.Equal((5 * 512 + 8, 64), BzImage.XzPayload(Image(0, 8, 64)));
    }

    [Fact]
    public void NoSetupHeaderOrAnotherCompressionIsRefused()
    {
        byte[] noHeader = Image(4, 0, 10);
        noHeader[0x202] = 0;

        Assert.Throws<InvalidDataException>(() => BzImage.XzPayload(noHeader));
        Assert.Throws<InvalidDataException>(() => BzImage.XzPayload(Image(4, 0, 10, xz: false)));
        Assert.Throws<InvalidDataException>(() => BzImage.XzPayload(Image(4, 0, 1000000)));
    }
}
