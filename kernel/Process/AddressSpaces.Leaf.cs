using CapOS.Kernel.NodeTree;
using CapOS.Kernel.ObjectCache;

namespace CapOS.Kernel.Process;

/// <summary>
/// The page-fault fast path (EROS SOSP'99 §4.2: the common fault rebuilds a leaf entry of valid in-memory
/// objects): a read fault whose tables down to the leaf table are built, under a leaf table produced by a
/// segment node, with every key from that producer to the page prepared and plain (segment keys of falling
/// height without the keeper flag, then a page key). It walks from the producer only, writes the leaf entry
/// and its depend records, and answers Mapped; anything else declines with nothing changed and the general
/// walk (<see cref="AddressSpaces.HandlePageFault"/>) runs as if it had not been tried.
/// </summary>
/// <remarks>
/// L1 The entry it writes is the one the general path writes for the same fault: the page the walk from the
///    leaf table's producer reaches, read-only (a read fault maps read-only on both paths), with a depend
///    record for every slot read from the producer down (AddressSpacesTests.LeafFastPathAgreesWithTheGeneralWalk).
/// L2 A key that is not prepared, a red segment, a height that does not fall, an address beyond a subtree or a
///    page key's first page, an entry already present, or a holder-produced leaf table: declined, nothing
///    changed (the same tests, the declining cases).
/// It records the depend records as it walks, each slot after its key proved plain, and writes the entry last: a
/// decline may leave records naming an entry that is not present (harmless: clearing it changes nothing). A record
/// taken here may evict an older one and clear an entry of the same path (the general path's InstallCompletely):
/// then the fast path declines before writing its entry, and the general path does the whole translation.
/// </remarks>
public static unsafe partial class AddressSpaces
{
    private static ulong s_leafRebuilds;

    /// <summary>Faults the fast path answered.</summary>
    public static ulong LeafRebuilds => s_leafRebuilds;

    /// <summary>
    /// The trap path's entry (before it saves the registers or looks at the process): a read fault at user
    /// <paramref name="address"/> under root table <paramref name="root"/> (physical) answered by the fast path;
    /// false: nothing changed, take the fault through <see cref="HandlePageFault"/>.
    /// </summary>
    public static bool TryLeafFault(ulong root, ulong address)
    {
        if (!s_initialized || address >= MappingTable.UserAddressLimit || !TryRebuildLeaf(root, address))
        {
            return false;
        }

        s_faults++;
        return true;
    }

    /// <summary>L1, L2: true when the leaf entry of <paramref name="address"/> under root table <paramref name="root"/> (physical) was rebuilt and translates.</summary>
    private static bool TryRebuildLeaf(ulong root, ulong address)
    {
        ulong table = root;
        for (int level = MappingTable.Levels - 1; level > 0; level--)
        {
            table = MappingTable.PresentTarget(table, (int)(address >> MappingTable.EntrySpanBits(level)) & (MappingTable.EntriesPerTable - 1));
            if (table == MappingTable.NotPresent)
            {
                return false;
            }
        }

        int entry = (int)(address >> MappingTable.PageShift) & (MappingTable.EntriesPerTable - 1);
        int leafTable = MappingPool.IndexOf(table);
        if (leafTable < 0 || MappingTable.PresentTarget(table, entry) != MappingTable.NotPresent)
        {
            return false;
        }

        ObjectHeader* producer = MappingPool.Producer((uint)leafTable, out int height, out ulong offset);
        if (producer == null || height > SegmentWalk.MaxHeight)
        {
            return false; // a root, or a table produced by the holder of a page-key space
        }

        const ulong TableSpan = 1UL << (MappingTable.PageShift + MappingTable.IndexBits);
        ulong relative = (offset * TableSpan) | (address & (TableSpan - 1));
        ulong evictions = DependTable.Evictions;
        ObjectHeader* page = relative < (1UL << SegmentWalk.SpanBits(height)) ? Reach(producer, height, relative, (uint)leafTable, entry) : null;
        if (page == null || DependTable.Evictions != evictions)
        {
            return false; // declined (records of a prefix may stay: they name an entry not present), or a record evicted an entry, perhaps of this path
        }

        MappingTable.SetEntry(table, 0, entry, page->Body, writable: false, user: true);
        s_leafRebuilds++;
        return true;
    }

    /// <summary>
    /// The page the plain prepared keys below <paramref name="node"/> (entered with <paramref name="height"/>) reach at
    /// <paramref name="relative"/>, with a depend record for entry <paramref name="entry"/> of <paramref name="table"/>
    /// per slot read (each after its key proved plain); null: declined (L2).
    /// </summary>
    private static ObjectHeader* Reach(ObjectHeader* node, int height, ulong relative, uint table, int entry)
    {
        while (true)
        {
            int slotBits = SegmentWalk.SpanBits(height - 1);
            int slot = (int)(relative >> slotBits);
            relative -= (ulong)slot << slotBits;
            Key* key = NodeTree.Node.Slot(Cache.NodeBody(node), slot);
            if (!key->IsPrepared)
            {
                return null;
            }

            ObjectHeader* target = (ObjectHeader*)KernelReference.ToPointer(key->ObjectReference);
            if (key->Type == KeyType.Page)
            {
                if (relative >= (1UL << MappingTable.PageShift))
                {
                    return null;
                }

                DependTable.Record(node, slot, table, entry);
                return target;
            }

            int keyHeight = key->Height;
            if (key->Type != KeyType.Segment || (key->KeyData & SegmentWalk.KeeperFlag) != 0 || keyHeight < 1 || keyHeight >= height
                || relative >= (1UL << SegmentWalk.SpanBits(keyHeight)))
            {
                return null;
            }

            DependTable.Record(node, slot, table, entry);
            node = target;
            height = keyHeight;
        }
    }
}
