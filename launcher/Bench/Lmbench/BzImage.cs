using System;
using System.Buffers.Binary;
using System.IO;

namespace CapOS.Launcher.Bench.Lmbench;

/// <summary>
/// Where a Linux bzImage keeps its compressed kernel (the x86 boot protocol's setup header: <c>setup_sects</c> at
/// 0x1F1, <c>HdrS</c> at 0x202, <c>payload_offset</c> and <c>payload_length</c> at 0x248 and 0x24C, the offset counted
/// from the protected-mode code after the setup sectors). Debian's kernel is XZ-compressed; the payload
/// decompresses to the ELF vmlinux, which QEMU boots through its PVH entry. Pure.
/// </summary>
public static class BzImage
{
    /// <summary>The XZ stream magic.</summary>
    public static readonly byte[] XzMagic = [0xFD, (byte)'7', (byte)'z', (byte)'X', (byte)'Z', 0x00];

    /// <summary>The payload's file offset and length; the payload must be an XZ stream.</summary>
    public static (int Offset, int Length) XzPayload(ReadOnlySpan<byte> image)
    {
        if (image.Length < 0x250 || BinaryPrimitives.ReadUInt32LittleEndian(image[0x202..]) != 0x53726448)
        {
            throw new InvalidDataException("not a bzImage (no 'HdrS' setup header)");
        }
        int setupSectors = image[0x1F1] == 0 ? 4 : image[0x1F1];
        long offset = (setupSectors + 1) * 512L + BinaryPrimitives.ReadUInt32LittleEndian(image[0x248..]);
        long length = BinaryPrimitives.ReadUInt32LittleEndian(image[0x24C..]);
        if (length == 0 || offset + length > image.Length)
        {
            throw new InvalidDataException("the bzImage's payload lies outside the file");
        }
        if (!image.Slice((int)offset, XzMagic.Length).SequenceEqual(XzMagic))
        {
            throw new InvalidDataException("the bzImage's payload is not XZ-compressed");
        }
        return ((int)offset, (int)length);
    }
}
