namespace CapOS.Kernel.ObjectCache;

/// <summary>
/// Sizing and indexing of the kernel's fixed open hash tables (the OID hash, the checkpoint directory, the
/// snapshot's pot map, the reservation's charged set, the depend table, the mapping pool's products): one rule
/// for all of them, kept in one place.
/// </summary>
public static unsafe class HashBuckets
{
    /// <summary>The least power of two that is at least <paramref name="count"/>, at least 16 and at most 2^30.</summary>
    public static uint For(uint count)
    {
        uint buckets = 16;
        while (buckets < count && buckets < 0x40000000)
        {
            buckets <<= 1;
        }

        return buckets;
    }

    /// <summary>The bucket of a kernel pointer (Fibonacci hashing of its 16-byte-aligned part) under <paramref name="mask"/>.</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    public static uint OfPointer(void* pointer, uint mask)
    {
        ulong v = (ulong)pointer >> 4;
        return (uint)((v * 0x9E3779B97F4A7C15UL) >> 40) & mask;
    }
}
