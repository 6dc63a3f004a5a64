using CapOS.Kernel.ObjectCache;

namespace CapOS.Kernel.Process;

/// <summary>
/// The writable-mapping list: every level-0 entry that allows writes, so that the snapshot can
/// write-protect them all in its pause (P5; docs/process.md "Snapshot") and the consistency check can
/// verify them (C7) without scanning every table.
/// </summary>
/// <remarks>
/// W1: every present writable level-0 entry is on the list (<see cref="Add"/> is called by every install
/// of one; a full list first write-protects everything on it). Records may be stale (the entry was
/// cleared or made read-only since); they are harmless: write-protecting a read-only or empty entry does
/// nothing. W2: a record names a live level-0 table (<see cref="ForgetTable"/> runs before a table is
/// freed). Checked: AddressSpacesTests.SnapshotWriteProtectsAndAWriteRefaultsThroughCopyOnWrite,
/// AddressSpacesPropertyTests (W1 against a scan of every table).
/// </remarks>
public static unsafe class WritableMappings
{
    private static uint* s_records;
    private static uint s_capacity;
    private static uint s_count;

    /// <summary>Records on the list (stale ones included).</summary>
    public static uint Count => s_count;

    public static ulong RequiredBytes(uint capacity) => capacity * 4UL;

    public static void Initialize(byte* memory, uint capacity)
    {
        s_records = (uint*)memory;
        s_capacity = capacity;
        s_count = 0;
    }

    public static void Clear() => s_count = 0;

    /// <summary>Notes that entry <paramref name="entry"/> of level-0 table <paramref name="table"/> now allows writes.</summary>
    public static void Add(uint table, int entry)
    {
        if (s_count == s_capacity)
        {
            ProtectAll();
            MappingTable.InvalidateAll();
        }

        s_records[s_count++] = (table << MappingTable.IndexBits) | (uint)entry;
    }

    /// <summary>Removes write permission from every entry on the list and empties it; the caller invalidates the TLB.</summary>
    public static void ProtectAll()
    {
        for (uint i = 0; i < s_count; i++)
        {
            MappingTable.ClearWritable(MappingPool.Physical(s_records[i] >> MappingTable.IndexBits), (int)(s_records[i] & (MappingTable.EntriesPerTable - 1)));
        }

        s_count = 0;
    }

    /// <summary>Drops the records of <paramref name="table"/> (it is being freed).</summary>
    public static void ForgetTable(uint table)
    {
        uint kept = 0;
        for (uint i = 0; i < s_count; i++)
        {
            if (s_records[i] >> MappingTable.IndexBits != table)
            {
                s_records[kept++] = s_records[i];
            }
        }

        s_count = kept;
    }

    /// <summary>True when entry <paramref name="entry"/> of <paramref name="table"/> is on the list (W1, for tests).</summary>
    public static bool Contains(uint table, int entry)
    {
        uint record = (table << MappingTable.IndexBits) | (uint)entry;
        for (uint i = 0; i < s_count; i++)
        {
            if (s_records[i] == record)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// C7 (P5): no entry on the list maps writable a page that is not dirty (clean, or frozen by a snapshot
    /// and not dirtied since). False with the page on the first violation.
    /// </summary>
    public static bool Check(out ObjectHeader* page)
    {
        for (uint i = 0; i < s_count; i++)
        {
            ulong table = MappingPool.Physical(s_records[i] >> MappingTable.IndexBits);
            if (MappingTable.ReadEntry(table, (int)(s_records[i] & (MappingTable.EntriesPerTable - 1)), out ulong target, out bool writable, out _) && writable)
            {
                page = Cache.PageFrameAt(target);
                if (page == null || !Cache.IsDirtyNow(page))
                {
                    return false;
                }
            }
        }

        page = null;
        return true;
    }
}
