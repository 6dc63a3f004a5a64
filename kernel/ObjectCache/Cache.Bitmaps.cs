namespace CapOS.Kernel.ObjectCache;

/// <summary>
/// Frame bitmaps: which frames hold an object, which are dirty, which are pending, one bit per header
/// index, so that the snapshot, the commit and the consistency check visit only the frames that matter
/// (docs/object-cache.md "Frame bitmaps"; docs/checkpoint.md "Snapshot and copy-on-write").
/// </summary>
/// <remarks>
/// Theory of operation. The bit of frame i is word i / 64, bit i % 64 of each map. Every write of
/// ObType, of Dirty and of CheckpointPending in Cache goes through <see cref="SetState"/>, so the
/// bits follow the header. Enumerating skips whole zero words: a pass costs the table size / 64
/// plus the objects found, instead of the table size.
/// I11: bit i of the used map is set iff header i is not free; of the dirty map iff header i is Dirty and
/// not frozen; of the pending map iff header i is CheckpointPending; a bit of the frozen map only on a Dirty,
/// not pending header (Cache.Freeze.cs) (<see cref="CheckBitmaps"/>; checked by
/// CacheTests.BitmapsFollowEveryHeaderChange and after every snapshot test).
/// </remarks>
public static unsafe partial class Cache
{
    private static ulong* s_usedBits;
    private static ulong* s_dirtyBits;
    private static ulong* s_pendingBits;
    private static ulong* s_frozenBits;
    private static uint s_bitWords;

    /// <summary>How many frame bitmaps the cache keeps: used, dirty, pending, frozen (Cache.Freeze.cs).</summary>
    private const int BitmapCount = 4;

    private static ulong BitmapBytes(uint frames) => (((ulong)frames + 63) / 64) * 8UL;

    /// <summary>Lays the four maps out at <paramref name="memory"/> (BitmapCount * BitmapBytes) and clears them.</summary>
    private static void InitializeBitmaps(byte* memory, uint frames)
    {
        s_bitWords = (frames + 63) / 64;
        s_usedBits = (ulong*)memory;
        s_dirtyBits = s_usedBits + s_bitWords;
        s_pendingBits = s_dirtyBits + s_bitWords;
        s_frozenBits = s_pendingBits + s_bitWords;
        s_frozenCount = 0;
        for (uint i = 0; i < BitmapCount * s_bitWords; i++)
        {
            s_usedBits[i] = 0;
        }
    }

    /// <summary>Sets the bits of <paramref name="frame"/> from its header (call after changing ObType or Flags).</summary>
    private static void SetState(ObjectHeader* frame)
    {
        uint word = frame->Index >> 6;
        ulong bit = 1UL << (int)(frame->Index & 63);
        s_usedBits[word] = frame->IsFree ? s_usedBits[word] & ~bit : s_usedBits[word] | bit;
        s_dirtyBits[word] = frame->IsDirty && (s_frozenBits[word] & bit) == 0 ? s_dirtyBits[word] | bit : s_dirtyBits[word] & ~bit;
        s_pendingBits[word] = frame->IsPending ? s_pendingBits[word] | bit : s_pendingBits[word] & ~bit;
    }

    /// <summary>The next object in the cache after <paramref name="previous"/> in table order (null: from the start).</summary>
    public static ObjectHeader* NextUsed(ObjectHeader* previous) => NextSet(s_usedBits, previous);

    /// <summary>The first header at or after <paramref name="start"/> whose bit is set in <paramref name="map"/>, or null.</summary>
    private static ObjectHeader* NextSet(ulong* map, ObjectHeader* previous)
    {
        uint start = previous == null ? 0 : previous->Index + 1;
        uint total = s_pageFrames + s_nodeFrames;
        if (start >= total)
        {
            return null;
        }

        uint word = start >> 6;
        ulong bits = map[word] & (~0UL << (int)(start & 63));
        while (bits == 0)
        {
            if (++word >= s_bitWords)
            {
                return null;
            }

            bits = map[word];
        }

        uint index = (word << 6) + LowestBit(bits);
        return index < total ? &s_headers[index] : null;
    }

    /// <summary>Index of the lowest set bit of <paramref name="bits"/> (not 0); no BCL intrinsics on metal.</summary>
    private static uint LowestBit(ulong bits)
    {
        uint index = 0;
        for (int width = 32; width != 0; width >>= 1)
        {
            ulong low = bits & ((1UL << width) - 1);
            if (low == 0)
            {
                bits >>= width;
                index += (uint)width;
            }
        }

        return index;
    }

    /// <summary>Headers whose bits disagree with their state (I11); 0 when sound.</summary>
    public static uint CheckBitmaps()
    {
        uint violations = 0;
        uint total = s_pageFrames + s_nodeFrames;
        for (uint i = 0; i < total; i++)
        {
            ObjectHeader* frame = &s_headers[i];
            ulong bit = 1UL << (int)(i & 63);
            bool used = (s_usedBits[i >> 6] & bit) != 0;
            bool dirty = (s_dirtyBits[i >> 6] & bit) != 0;
            bool pending = (s_pendingBits[i >> 6] & bit) != 0;
            bool frozen = (s_frozenBits[i >> 6] & bit) != 0;
            if (used == frame->IsFree || dirty != (frame->IsDirty && !frozen) || pending != frame->IsPending
                || (frozen && (!frame->IsDirty || frame->IsPending)))
            {
                violations++;
            }
        }

        return violations;
    }
}
