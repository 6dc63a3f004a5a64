using System;
using System.Buffers.Binary;
using CapOS.Kernel.DiskFormat;

namespace CapOS.ImageGen.Description;

/// <summary>
/// `pattern &lt;seed&gt;` page content: 512 little-endian u64 outputs of SplitMix64 started at the seed
/// (Steele, Lea, Flood 2014) - deterministic pseudo-random bytes any implementation can reproduce.
/// </summary>
internal static class Pattern
{
    public static byte[] Bytes(ulong seed)
    {
        var page = new byte[DiskLayout.PageSize];
        ulong state = seed;
        for (int i = 0; i < page.Length; i += 8)
        {
            state += 0x9E3779B97F4A7C15;
            ulong z = state;
            z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9;
            z = (z ^ (z >> 27)) * 0x94D049BB133111EB;
            BinaryPrimitives.WriteUInt64LittleEndian(page.AsSpan(i), z ^ (z >> 31));
        }

        return page;
    }
}
