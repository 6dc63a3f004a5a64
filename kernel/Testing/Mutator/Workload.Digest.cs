using CapOS.Kernel.Diagnostics;
using CapOS.Kernel.DiskFormat;
using CapOS.Kernel.NodeTree;
using CapOS.Kernel.ObjectCache;

namespace CapOS.Kernel.Testing.Mutator;

/// <summary>
/// The digest of the mutator's whole structure (docs/mutator.md "Digest"; issue 9 contract K1, K2): computed
/// by walking the objects through the cache, at every snapshot (the objects are then exactly what the
/// snapshot captured: nothing changed since it froze them) and after recovery (the recovered objects). The
/// judge requires the recovered pair (S, digest) to be the one printed at the snapshot of the recovered seq.
/// </summary>
/// <remarks>
/// Order: root, counter page, the ring from ring0, the holder and each victim's current incarnation, each
/// page directory then its 32 pages, each leaf directory then its 32 leaves. A node's record: 'N', OID,
/// AllocCount, CallCount, its 32 keys in disk form; a page's: 'P', OID, AllocCount, its 512 words; each
/// u64 is absorbed by h = (rotl(h, 29) ^ w) * 0x9E3779B97F4A7C15, finished by SplitMix64's finalizer.
/// Only copied OIDs are kept across object faults, so the walk may evict any clean object (I5 keeps room).
/// </remarks>
public static unsafe partial class Workload
{
    private const ulong DigestSeed = 0x6D75746174F12A55UL;

    /// <summary>Digests the structure from the root; Ok and <paramref name="digest"/>, or the fault that stopped the walk.</summary>
    public static CacheResult Digest(out ulong digest)
    {
        ulong h = DigestSeed;
        digest = 0;
        Oid* slots = stackalloc Oid[Node.SlotCount];
        Oid* children = stackalloc Oid[Node.SlotCount];
        CacheResult result = AbsorbNode(ref h, s_root, slots);
        result = result == CacheResult.Ok ? AbsorbObject(ref h, ObType.Page, slots[CounterSlot]) : result;
        Oid ring = slots[RingSlot];
        for (int r = 0; r < RingLength && result == CacheResult.Ok; r++)
        {
            result = AbsorbNode(ref h, ring, children);
            ring = children[0];
        }

        result = result == CacheResult.Ok ? AbsorbNode(ref h, slots[HolderSlot], children) : result;
        for (int v = 0; v < Victims && result == CacheResult.Ok; v++)
        {
            result = AbsorbObject(ref h, v < PageVictims ? ObType.Page : ObType.Node, children[2 * v]);
        }

        for (int d = 0; d < PageDirectories + LeafDirectories && result == CacheResult.Ok; d++)
        {
            bool pages = d < PageDirectories;
            result = AbsorbNode(ref h, slots[pages ? FirstPageDirectorySlot + d : FirstLeafDirectorySlot + d - PageDirectories], children);
            for (int i = 0; i < Node.SlotCount && result == CacheResult.Ok; i++)
            {
                result = AbsorbObject(ref h, pages ? ObType.Page : ObType.Node, children[i]);
            }
        }

        digest = Mix(h);
        return result;
    }

    /// <summary>
    /// The checkpointer's snapshot observer (K1): called inside the checkpoint operation right after the
    /// snapshot line, before anything can change the frozen objects.
    /// </summary>
    private static void OnSnapshot(ulong sequence)
    {
        if (!s_running)
        {
            return;
        }

        CacheResult fault = Digest(out ulong digest);
        if (fault != CacheResult.Ok)
        {
            Log.Write("mutator: invariant broken: digest walk at snapshot seq=");
            Log.WriteDecimal(sequence);
            Log.Write(": ");
            Log.WriteLine(CacheResults.Name(fault));
            return;
        }

        CacheStatistics statistics = Cache.Statistics;
        Log.Write("mutator: snapshot seq=");
        Log.WriteDecimal(sequence);
        WriteState(s_step, digest);
        Log.Write(" faults=");
        Log.WriteDecimal(statistics.Faults);
        Log.Write(" evictions=");
        Log.WriteDecimal(statistics.Evictions);
        Log.WriteLine();
    }

    private static void WriteState(ulong step, ulong digest)
    {
        Log.Write(" step=");
        Log.WriteDecimal(step);
        Log.Write(" digest=");
        Log.WriteHexDigits(digest);
    }

    private static CacheResult AbsorbObject(ref ulong h, ObType type, Oid oid) =>
        type == ObType.Node ? AbsorbNode(ref h, oid, null) : AbsorbPage(ref h, oid);

    /// <summary>Absorbs node <paramref name="oid"/>'s record; copies the OIDs its slots name into <paramref name="slots"/> (unless null).</summary>
    private static CacheResult AbsorbNode(ref ulong h, Oid oid, Oid* slots)
    {
        CacheResult result = Cache.GetNode(oid, out ObjectHeader* frame);
        if (result != CacheResult.Ok)
        {
            return result;
        }

        Node* body = Cache.NodeBody(frame);
        h = Absorb(Absorb(Absorb(Absorb(h, 'N'), oid.Value), frame->AllocCount), body->CallCount);
        Key disk;
        ulong* words = (ulong*)&disk;
        for (int i = 0; i < Node.SlotCount; i++)
        {
            Cache.DiskForm(Node.Slot(body, i), &disk);
            h = Absorb(Absorb(h, words[0]), words[1]);
            if (slots != null)
            {
                slots[i] = disk.Oid;
            }
        }

        return CacheResult.Ok;
    }

    private static CacheResult AbsorbPage(ref ulong h, Oid oid)
    {
        CacheResult result = Cache.GetPage(oid, out ObjectHeader* frame);
        if (result != CacheResult.Ok)
        {
            return result;
        }

        h = Absorb(Absorb(Absorb(h, 'P'), oid.Value), frame->AllocCount);
        ulong* words = (ulong*)Cache.PageData(frame);
        for (int j = 0; j < DiskLayout.PageSize / 8; j++)
        {
            h = Absorb(h, words[j]);
        }

        return CacheResult.Ok;
    }

    private static ulong Absorb(ulong h, ulong word) => (((h << 29) | (h >> 35)) ^ word) * 0x9E3779B97F4A7C15UL;
}
