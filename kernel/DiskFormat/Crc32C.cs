using System.Runtime.CompilerServices;

namespace CapOS.Kernel.DiskFormat;

/// <summary>
/// CRC-32C (Castagnoli; reflected polynomial 0x82F63B78, initial value and final
/// xor 0xFFFFFFFF), the checksum of every structure and image on the volume
/// (docs/disk-format.md "Checksums"). Check value: "123456789" -> 0xE3069283.
/// </summary>
/// <remarks>
/// Portable byte-at-a-time table code. The 1 KiB table is a fixed buffer in a
/// plain (non-GC) static struct, built on first use; building is idempotent, so
/// a second builder racing the first writes the same values.
/// I1: once <c>s_table.Built</c> is true every entry holds its final value.
/// </remarks>
public static unsafe class Crc32C
{
    /// <summary>The reflected Castagnoli polynomial.</summary>
    public const uint Polynomial = 0x82F63B78;

    private static Table s_table;

    /// <summary>CRC-32C of <paramref name="length"/> bytes at <paramref name="data"/>.</summary>
    public static uint Compute(byte* data, nuint length) => Append(0, data, length);

    /// <summary>
    /// Continues <paramref name="crc"/> (a finished CRC of the bytes before) over more bytes:
    /// Append(Compute(a), b) == Compute(a followed by b).
    /// </summary>
    public static uint Append(uint crc, byte* data, nuint length)
    {
        EnsureTable();
        uint state = ~crc;
        for (nuint i = 0; i < length; i++)
        {
            state = s_table.Entries[(int)((state ^ data[i]) & 0xFF)] ^ (state >> 8);
        }

        return ~state;
    }

    /// <summary>Continues <paramref name="crc"/> over <paramref name="count"/> zero bytes.</summary>
    public static uint AppendZeros(uint crc, nuint count)
    {
        EnsureTable();
        uint state = ~crc;
        for (nuint i = 0; i < count; i++)
        {
            state = s_table.Entries[(int)(state & 0xFF)] ^ (state >> 8);
        }

        return ~state;
    }

    /// <summary>
    /// CRC-32C of <paramref name="length"/> bytes at <paramref name="data"/> with the four bytes at
    /// <paramref name="crcOffset"/> read as zero: the checksum a structure stores in itself.
    /// </summary>
    public static uint ComputeSkipping(byte* data, nuint length, nuint crcOffset)
    {
        uint crc = Append(0, data, crcOffset);
        crc = AppendZeros(crc, 4);
        return Append(crc, data + crcOffset + 4, length - crcOffset - 4);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void EnsureTable()
    {
        if (!s_table.Built)
        {
            Build();
        }
    }

    private static void Build()
    {
        for (uint i = 0; i < 256; i++)
        {
            uint value = i;
            for (int bit = 0; bit < 8; bit++)
            {
                value = (value & 1) != 0 ? (value >> 1) ^ Polynomial : value >> 1;
            }

            s_table.Entries[(int)i] = value;
        }

        s_table.Built = true;
    }

    private struct Table
    {
        public fixed uint Entries[256];
        public bool Built;
    }
}
