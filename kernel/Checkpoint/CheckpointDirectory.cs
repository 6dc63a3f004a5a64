using CapOS.Kernel.DiskFormat;
using CapOS.Kernel.NodeTree;

namespace CapOS.Kernel.Checkpoint;

/// <summary>
/// The recovered checkpoint's directory in memory: (OID, type) -> <see cref="DirectoryEntry"/>
/// (docs/recovery.md "Definitions"; EROS in-core checkpoint directory).
/// </summary>
/// <remarks>
/// Filled once by <see cref="Recovery"/> from the validated directory pages (D1), then read by
/// every object fault. Memory comes from the caller: entries, then a chain link per entry, then
/// the buckets (<see cref="RequiredBytes"/>). Keyed by (OID, type) because a TagPot entry carries
/// the OID of its cluster's first page, which may also have a Page entry.
/// I1: no two entries have the same (OID, type) (<see cref="Add"/> refuses a duplicate).
/// I2: every entry satisfies DirectoryEntry I1 against the recovered header (checked by D1 first).
/// I3: empty when the recovered header is Migrated: everything is at home then.
/// </remarks>
public static unsafe class CheckpointDirectory
{
    private static DirectoryEntry* s_entries;
    private static uint* s_chain;
    private static uint* s_buckets;
    private static uint s_bucketMask;
    private static uint s_capacity;
    private static uint s_count;

    /// <summary>Entries held.</summary>
    public static uint Count => s_count;

    /// <summary>Entries the memory given to <see cref="Initialize"/> can hold.</summary>
    public static uint Capacity => s_capacity;

    /// <summary>Bytes of memory <see cref="Initialize"/> needs for <paramref name="capacity"/> entries.</summary>
    public static ulong RequiredBytes(uint capacity) =>
        ((ulong)capacity * (DirectoryEntry.Size + 4)) + (ObjectCache.HashBuckets.For(capacity) * 4UL);

    /// <summary>Empties the directory and lays it out in <paramref name="memory"/>; false when too small.</summary>
    public static bool Initialize(byte* memory, ulong bytes, uint capacity)
    {
        s_count = 0;
        s_capacity = 0;
        if (memory == null || bytes < RequiredBytes(capacity))
        {
            return false;
        }

        uint buckets = ObjectCache.HashBuckets.For(capacity);
        s_entries = (DirectoryEntry*)memory;
        s_chain = (uint*)(memory + ((ulong)capacity * DirectoryEntry.Size));
        s_buckets = s_chain + capacity;
        s_bucketMask = buckets - 1;
        for (uint i = 0; i < buckets; i++)
        {
            s_buckets[i] = 0;
        }

        s_capacity = capacity;
        return true;
    }

    /// <summary>Adds a copy of <paramref name="entry"/>. False when full or when (OID, type) is already present (I1).</summary>
    public static bool Add(DirectoryEntry* entry)
    {
        if (s_count >= s_capacity || Find(entry->Oid, entry->Type) != null)
        {
            return false;
        }

        uint index = s_count++;
        s_entries[index] = *entry;
        uint bucket = Hash(entry->Oid, entry->Type);
        s_chain[index] = s_buckets[bucket];
        s_buckets[bucket] = index + 1;
        return true;
    }

    /// <summary>The entry for (<paramref name="oid"/>, <paramref name="type"/>), or null when the checkpoint did not log it.</summary>
    public static DirectoryEntry* Find(Oid oid, ObType type)
    {
        if (s_capacity == 0)
        {
            return null;
        }

        uint link = s_buckets[Hash(oid, type)];
        while (link != 0)
        {
            DirectoryEntry* entry = &s_entries[link - 1];
            if (entry->Oid == oid && entry->Type == type)
            {
                return entry;
            }

            link = s_chain[link - 1];
        }

        return null;
    }

    /// <summary>Entry <paramref name="index"/> (0..Count-1), for the checkpoint and tools.</summary>
    public static DirectoryEntry* Entry(uint index) => index < s_count ? &s_entries[index] : null;

    /// <summary>Forgets every entry (the memory stays assigned).</summary>
    public static void Clear()
    {
        s_count = 0;
        for (uint i = 0; i <= s_bucketMask && s_capacity != 0; i++)
        {
            s_buckets[i] = 0;
        }
    }

    private static uint Hash(Oid oid, ObType type)
    {
        ulong mixed = (oid.Value ^ ((ulong)type << 61)) * 0x9E3779B97F4A7C15UL;
        return (uint)(mixed >> 32) & s_bucketMask;
    }
}
