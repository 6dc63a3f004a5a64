using CapOS.Kernel.ObjectCache;
using CapOS.Kernel.Process;

namespace CapOS.Kernel.NodeTree;

/// <summary>
/// The depend table: which node slots each hardware mapping entry was built from (EROS SOSP'99 §4.2.1
/// "depend table"; docs/process.md "Definitions"). A record says (node, first slot, slot count) ->
/// (mapping table, first entry, entry count). Changing a slot, bumping an AllocCount or evicting a node
/// clears exactly the entries built from it.
/// </summary>
/// <remarks>
/// Records have one of two shapes, so a slot's entries are found exactly: one slot -> a run of entries
/// (a slot that produced several consecutive entries, e.g. a slot of a height-2 node holding a height-1
/// segment produces 32 page entries), or k slots -> k entries one to one (a height-1 node's slots and
/// the page entries they produced). <see cref="Record"/> extends a record of the node when the new
/// (slot, entry) continues it, else takes a new one; <see cref="RecordSpan"/> and <see cref="RecordSlots"/> (the
/// fault fast path and its fault-around) record a whole run of either shape at once, merging it into a record of the
/// same slot or alignment that it overlaps or touches. Records hang in hash chains by node.
/// The table is a cache of fixed size: when it is full, the oldest-placed record (a clock hand) is
/// evicted by clearing every entry it covers (P8: mappings are a cache).
/// D1: every present entry built from a node slot is covered by a record of that slot (P6), from
/// <see cref="Record"/> until the entry is cleared. Checked: AddressSpacesPropertyTests (after every
/// random slot change, every translation the simulated MMU yields equals a fresh walk).
/// D2: a record names a live mapping table: tables are forgotten (<see cref="ForgetTable"/>) before
/// they return to the pool. Checked: AddressSpacesTests.EvictingANodeRemovesItsDependentsAndProducts.
/// Invalidating a slot clears entries but keeps one-to-one records (clearing an already cleared entry
/// again is harmless); a one-slot record is dropped once its entries are cleared.
/// </remarks>
public static unsafe class DependTable
{
    private struct Entry
    {
        public ulong Node;
        public uint Table;
        public ushort FirstEntry;
        public ushort EntryCount;
        public byte FirstSlot;
        public byte SlotCount;
        public ushort Unused;
        public uint Next;
    }

    private static Entry* s_entries;
    private static uint* s_buckets;
    private static uint s_capacity;
    private static uint s_bucketMask;
    private static uint s_freeHead;
    private static uint s_used;
    private static uint s_hand;
    private static ulong s_evictions;

    /// <summary>Bytes <see cref="Initialize"/> takes for <paramref name="capacity"/> records.</summary>
    public static ulong RequiredBytes(uint capacity) => ((ulong)capacity * (ulong)sizeof(Entry)) + (HashBuckets.For(capacity) * 4UL);

    /// <summary>Records in use.</summary>
    public static uint Used => s_used;

    /// <summary>Records evicted because the table was full.</summary>
    public static ulong Evictions => s_evictions;

    /// <summary>Lays the table out in <paramref name="memory"/> (<see cref="RequiredBytes"/>) and empties it.</summary>
    public static void Initialize(byte* memory, uint capacity)
    {
        s_entries = (Entry*)memory;
        s_capacity = capacity;
        s_buckets = (uint*)(memory + ((ulong)capacity * (ulong)sizeof(Entry)));
        s_bucketMask = HashBuckets.For(capacity) - 1;
        s_evictions = 0;
        Clear();
    }

    /// <summary>Forgets every record (the mapping tables are being emptied too).</summary>
    public static void Clear()
    {
        for (uint i = 0; i <= s_bucketMask; i++)
        {
            s_buckets[i] = 0;
        }

        for (uint i = 0; i < s_capacity; i++)
        {
            s_entries[i] = default;
            s_entries[i].Next = i + 2 <= s_capacity ? i + 2 : 0;
        }

        s_freeHead = s_capacity == 0 ? 0u : 1u;
        s_used = 0;
        s_hand = 0;
    }

    /// <summary>Records that entry <paramref name="entry"/> of mapping table <paramref name="table"/> was built from slot <paramref name="slot"/> of <paramref name="node"/>.</summary>
    public static void Record(ObjectHeader* node, int slot, uint table, int entry)
    {
        uint bucket = Bucket(node);
        for (uint link = s_buckets[bucket]; link != 0; link = s_entries[link - 1].Next)
        {
            Entry* e = &s_entries[link - 1];
            if (e->Node != (ulong)node || e->Table != table)
            {
                continue;
            }

            int firstEntry = e->FirstEntry;
            int entries = e->EntryCount;
            if (e->SlotCount == 1 && slot == e->FirstSlot && entry >= firstEntry && entry <= firstEntry + entries)
            {
                e->EntryCount = (ushort)System.Math.Max(entries, entry - firstEntry + 1);
                return;
            }

            if (e->SlotCount == entries && slot >= e->FirstSlot && slot <= e->FirstSlot + e->SlotCount
                && entry - firstEntry == slot - e->FirstSlot)
            {
                if (slot == e->FirstSlot + e->SlotCount)
                {
                    e->SlotCount++;
                    e->EntryCount++;
                }

                return;
            }
        }

        Place(bucket, node, slot, 1, table, entry, 1);
    }

    /// <summary>
    /// Records that entries [<paramref name="firstEntry"/>, + <paramref name="count"/>) of mapping table
    /// <paramref name="table"/> were (or may be) built from slot <paramref name="slot"/> of <paramref name="node"/> (the
    /// one-slot shape): a record of that slot whose run overlaps or touches it grows to the union, else a new one.
    /// </summary>
    public static void RecordSpan(ObjectHeader* node, int slot, uint table, int firstEntry, int count)
    {
        uint bucket = Bucket(node);
        for (uint link = s_buckets[bucket]; link != 0; link = s_entries[link - 1].Next)
        {
            Entry* e = &s_entries[link - 1];
            if (e->Node == (ulong)node && e->Table == table && e->SlotCount == 1 && e->FirstSlot == slot
                && firstEntry <= e->FirstEntry + e->EntryCount && e->FirstEntry <= firstEntry + count)
            {
                Widen(e, firstEntry, count, oneToOne: false, 0);
                return;
            }
        }

        Place(bucket, node, slot, 1, table, firstEntry, count);
    }

    /// <summary>
    /// Records that entries [<paramref name="firstEntry"/>, + <paramref name="count"/>) of mapping table
    /// <paramref name="table"/> were (or may be) built one to one from slots [<paramref name="firstSlot"/>, +
    /// <paramref name="count"/>) of <paramref name="node"/> (a fault-around run): a one-to-one record of the same
    /// alignment whose run overlaps or touches it grows to the union, else a new one.
    /// </summary>
    public static void RecordSlots(ObjectHeader* node, int firstSlot, uint table, int firstEntry, int count)
    {
        uint bucket = Bucket(node);
        for (uint link = s_buckets[bucket]; link != 0; link = s_entries[link - 1].Next)
        {
            Entry* e = &s_entries[link - 1];
            if (e->Node == (ulong)node && e->Table == table && e->SlotCount == e->EntryCount && e->FirstEntry - e->FirstSlot == firstEntry - firstSlot
                && firstEntry <= e->FirstEntry + e->EntryCount && e->FirstEntry <= firstEntry + count)
            {
                Widen(e, firstEntry, count, oneToOne: true, firstSlot - firstEntry);
                return;
            }
        }

        Place(bucket, node, firstSlot, count, table, firstEntry, count);
    }

    /// <summary>Clears every entry built from slot <paramref name="slot"/> of <paramref name="node"/>; returns how many records matched.</summary>
    public static uint InvalidateSlot(ObjectHeader* node, int slot)
    {
        uint matched = 0;
        uint* link = &s_buckets[Bucket(node)];
        while (*link != 0)
        {
            uint index = *link - 1;
            Entry* e = &s_entries[index];
            bool ours = e->Node == (ulong)node && slot >= e->FirstSlot && slot < e->FirstSlot + e->SlotCount;
            if (ours && e->SlotCount == 1)
            {
                matched++;
                ClearEntries(e->Table, e->FirstEntry, e->EntryCount);
                *link = e->Next;
                Free(index);
                continue;
            }

            if (ours)
            {
                matched++;
                ClearEntries(e->Table, e->FirstEntry + (slot - e->FirstSlot), 1);
            }

            link = &e->Next;
        }

        return matched;
    }

    /// <summary>Clears every entry built from any slot of <paramref name="node"/> and drops its records; returns how many.</summary>
    public static uint InvalidateNode(ObjectHeader* node)
    {
        uint matched = 0;
        uint* link = &s_buckets[Bucket(node)];
        while (*link != 0)
        {
            uint index = *link - 1;
            Entry* e = &s_entries[index];
            if (e->Node == (ulong)node)
            {
                matched++;
                ClearEntries(e->Table, e->FirstEntry, e->EntryCount);
                *link = e->Next;
                Free(index);
            }
            else
            {
                link = &e->Next;
            }
        }

        return matched;
    }

    /// <summary>Drops every record naming mapping table <paramref name="table"/> (it is being freed); cost: the whole table.</summary>
    public static void ForgetTable(uint table)
    {
        for (uint bucket = 0; bucket <= s_bucketMask; bucket++)
        {
            uint* link = &s_buckets[bucket];
            while (*link != 0)
            {
                uint index = *link - 1;
                if (s_entries[index].Table == table)
                {
                    *link = s_entries[index].Next;
                    Free(index);
                }
                else
                {
                    link = &s_entries[index].Next;
                }
            }
        }
    }

    /// <summary>True when some record covers entry <paramref name="entry"/> of <paramref name="table"/> for slot <paramref name="slot"/> of <paramref name="node"/> (tests, D1).</summary>
    public static bool Covers(ObjectHeader* node, int slot, uint table, int entry)
    {
        for (uint link = s_buckets[Bucket(node)]; link != 0; link = s_entries[link - 1].Next)
        {
            Entry* e = &s_entries[link - 1];
            if (e->Node != (ulong)node || e->Table != table || slot < e->FirstSlot || slot >= e->FirstSlot + e->SlotCount)
            {
                continue;
            }

            int first = e->SlotCount == 1 ? e->FirstEntry : e->FirstEntry + (slot - e->FirstSlot);
            int count = e->SlotCount == 1 ? e->EntryCount : 1;
            if (entry >= first && entry < first + count)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// Grows <paramref name="e"/>'s entry run to its union with [<paramref name="first"/>, + <paramref name="count"/>);
    /// for a one-to-one record (<paramref name="oneToOne"/>) its slots follow, slot = entry + <paramref name="slotShift"/>.
    /// </summary>
    private static void Widen(Entry* e, int first, int count, bool oneToOne, int slotShift)
    {
        int low = System.Math.Min(e->FirstEntry, first);
        int high = System.Math.Max(e->FirstEntry + e->EntryCount, first + count);
        e->FirstEntry = (ushort)low;
        e->EntryCount = (ushort)(high - low);
        if (oneToOne)
        {
            e->FirstSlot = (byte)(low + slotShift);
            e->SlotCount = (byte)(high - low);
        }
    }

    /// <summary>Takes a new record (node, slots [firstSlot, + slots)) -> (table, entries [firstEntry, + entries)) and hangs it in <paramref name="bucket"/>.</summary>
    private static void Place(uint bucket, ObjectHeader* node, int firstSlot, int slots, uint table, int firstEntry, int entries)
    {
        uint index = Take();
        node->Flags |= ObjectFlags.Depended; // every kind of record: slot writes of this node look here from now on (AddressSpaces.SlotChanged, P9)
        Entry* fresh = &s_entries[index];
        fresh->Node = (ulong)node;
        fresh->Table = table;
        fresh->FirstEntry = (ushort)firstEntry;
        fresh->EntryCount = (ushort)entries;
        fresh->FirstSlot = (byte)firstSlot;
        fresh->SlotCount = (byte)slots;
        fresh->Next = s_buckets[bucket];
        s_buckets[bucket] = index + 1;
    }

    private static void ClearEntries(uint table, int first, int count)
    {
        ulong physical = MappingPool.Physical(table);
        for (int i = first; i < first + count; i++)
        {
            MappingTable.ClearEntry(physical, i);
        }
    }

    /// <summary>A free record; when none is left, the one under the clock hand is evicted (its entries cleared).</summary>
    private static uint Take()
    {
        if (s_freeHead == 0)
        {
            uint victim = s_hand;
            s_hand = s_hand + 1 == s_capacity ? 0 : s_hand + 1;
            Entry* e = &s_entries[victim];
            ClearEntries(e->Table, e->FirstEntry, e->EntryCount);
            MappingTable.InvalidateAll();
            Unlink(victim);
            Free(victim);
            s_evictions++;
        }

        uint index = s_freeHead - 1;
        s_freeHead = s_entries[index].Next;
        s_used++;
        return index;
    }

    private static void Unlink(uint index)
    {
        uint* link = &s_buckets[Bucket((ObjectHeader*)s_entries[index].Node)];
        while (*link != 0 && *link != index + 1)
        {
            link = &s_entries[*link - 1].Next;
        }

        if (*link != 0)
        {
            *link = s_entries[index].Next;
        }
    }

    private static void Free(uint index)
    {
        s_entries[index] = default;
        s_entries[index].Next = s_freeHead;
        s_freeHead = index + 1;
        s_used--;
    }

    private static uint Bucket(ObjectHeader* node) => HashBuckets.OfPointer(node, s_bucketMask);
}
