using System.Runtime.CompilerServices;

namespace CapOS.Kernel.DiskFormat;

/// <summary>
/// CRC-32C (Castagnoli; reflected polynomial 0x82F63B78, initial value and final
/// xor 0xFFFFFFFF), the checksum of every structure and image on the volume
/// (docs/disk-format.md "Checksums"). Check value: "123456789" -> 0xE3069283.
/// </summary>
/// <remarks>
/// Portable slicing-by-8 (eight bytes per step through eight 256-entry tables, the
/// bytes of a step read as two little-endian u32; the tail byte at a time through
/// table 0), the same function as the byte-at-a-time definition. The 8 KiB of tables
/// are a fixed buffer in a plain (non-GC) static struct, built on first use (no static
/// reference-type fields: build guard); building is idempotent, so a second builder
/// racing the first writes the same values.
/// Table k, entry i = the CRC state after byte i followed by k zero bytes:
/// T0 the classic table, Tk[i] = (Tk-1[i] >> 8) ^ T0[Tk-1[i] &amp; 0xFF].
/// I1: once <c>s_table.Built</c> is true every entry holds its final value.
/// I2: Compute equals the bitwise definition on every input (Crc32CTests, random buffers, every length 0..64
/// and every alignment).
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
        fixed (Table* table = &s_table)
        {
            return ~Slice8(~crc, table->Entries, data, length);
        }
    }

    /// <summary>The slicing-by-8 loop over the state (not inverted) with tables <paramref name="t"/>.</summary>
    private static uint Slice8(uint state, uint* t, byte* data, nuint length)
    {
        while (length >= 8)
        {
            uint one = ReadLittle(data) ^ state;
            uint two = ReadLittle(data + 4);
            state = t[(7 * 256) + (one & 0xFF)] ^ t[(6 * 256) + ((one >> 8) & 0xFF)]
                ^ t[(5 * 256) + ((one >> 16) & 0xFF)] ^ t[(4 * 256) + (one >> 24)]
                ^ t[(3 * 256) + (two & 0xFF)] ^ t[(2 * 256) + ((two >> 8) & 0xFF)]
                ^ t[256 + ((two >> 16) & 0xFF)] ^ t[two >> 24];
            data += 8;
            length -= 8;
        }

        for (nuint i = 0; i < length; i++)
        {
            state = t[(state ^ data[i]) & 0xFF] ^ (state >> 8);
        }

        return state;
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

        for (int k = 1; k < 8; k++)
        {
            for (int i = 0; i < 256; i++)
            {
                uint previous = s_table.Entries[((k - 1) * 256) + i];
                s_table.Entries[(k * 256) + i] = (previous >> 8) ^ s_table.Entries[(int)(previous & 0xFF)];
            }
        }

        s_table.Built = true;
    }

    /// <summary>Four bytes as a little-endian u32, any alignment (byte reads: no BCL helpers, any host order).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static uint ReadLittle(byte* p) => p[0] | ((uint)p[1] << 8) | ((uint)p[2] << 16) | ((uint)p[3] << 24);

    private struct Table
    {
        public fixed uint Entries[256 * 8];
        public bool Built;
    }
}
