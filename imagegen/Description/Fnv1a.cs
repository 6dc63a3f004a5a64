using System;

namespace CapOS.ImageGen.Description;

/// <summary>FNV-1a 64 (offset basis 0xcbf29ce484222325, prime 0x100000001b3): volume ids and the graph digest.</summary>
internal static class Fnv1a
{
    public const ulong OffsetBasis = 0xcbf29ce484222325;

    public const ulong Prime = 0x100000001b3;

    /// <summary>Continues <paramref name="hash"/> over <paramref name="bytes"/>.</summary>
    public static ulong Append(ulong hash, ReadOnlySpan<byte> bytes)
    {
        foreach (byte b in bytes)
        {
            hash = (hash ^ b) * Prime;
        }

        return hash;
    }

    /// <summary>FNV-1a 64 of the UTF-8 bytes of <paramref name="text"/>.</summary>
    public static ulong Hash(string text) => Append(OffsetBasis, System.Text.Encoding.UTF8.GetBytes(text));
}
