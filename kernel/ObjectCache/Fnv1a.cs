namespace CapOS.Kernel.ObjectCache;

/// <summary>FNV-1a 64 (offset basis 0xcbf29ce484222325, prime 0x100000001b3): the graph digest's hash.</summary>
public static unsafe class Fnv1a
{
    public const ulong OffsetBasis = 0xcbf29ce484222325UL;

    public const ulong Prime = 0x100000001b3UL;

    public static ulong Append(ulong hash, byte value) => (hash ^ value) * Prime;

    public static ulong Append(ulong hash, byte* data, nuint length)
    {
        for (nuint i = 0; i < length; i++)
        {
            hash = (hash ^ data[i]) * Prime;
        }

        return hash;
    }

    /// <summary>Appends <paramref name="value"/> as 4 bytes, little-endian.</summary>
    public static ulong AppendU32(ulong hash, uint value)
    {
        for (int shift = 0; shift < 32; shift += 8)
        {
            hash = (hash ^ (byte)(value >> shift)) * Prime;
        }

        return hash;
    }

    /// <summary>Appends <paramref name="value"/> as 8 bytes, little-endian.</summary>
    public static ulong AppendU64(ulong hash, ulong value)
    {
        for (int shift = 0; shift < 64; shift += 8)
        {
            hash = (hash ^ (byte)(value >> shift)) * Prime;
        }

        return hash;
    }
}
