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
/// L2 A key that is not prepared (nor preparable, L4), a red segment (below the producer, or the producer itself when
///    any walk entered it through a red key: MappingPool.HasKeeperSlot; its slot 31 is the keeper's and maps nothing;
///    AddressSpacesLeafTests.AProducerEnteredThroughARedKeyNeverMapsItsKeeperSlot), a height that does not fall, an address beyond a subtree or a
///    page key's first page, an entry already present, or a holder-produced leaf table: declined, nothing
///    changed (the same tests, the declining cases).
/// L3 Fault-around: a page reached through a height-1 node maps the node's other prepared page keys read-only
///    (entries not present only), under one one-to-one record of the node's 32 slots and, for each segment slot
///    above, a record of the entries its span covers (AddressSpacesLeafTests.FaultAroundEntriesGoWithAnySlotWriteOfTheirNode).
/// L4 A page or segment key of the path not prepared is prepared when its object is cached (no object fault), as
///    PrepareKey would; a stale count declines (EveryOtherFaultDeclinesToTheGeneralWalk). docs/process.md "Fault-around".
/// It records the depend records as it walks, each slot after its key proved plain, and writes the entry last: a
/// decline may leave records naming an entry that is not present (harmless: clearing it changes nothing). A record
/// taken here may evict an older one and clear an entry of the same path (the general path's InstallCompletely):
/// then the fast path declines before writing its entry, and the general path does the whole translation.
/// </remarks>
public static unsafe partial class AddressSpaces
{
    private static ulong s_leafRebuilds;
    private static ulong s_aroundEntries;

    /// <summary>Faults the fast path answered.</summary>
    public static ulong LeafRebuilds => s_leafRebuilds;

    /// <summary>Entries fault-around mapped beside the faulting one (L3).</summary>
    public static ulong AroundEntries => s_aroundEntries;

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
        if (producer == null || height > SegmentWalk.MaxHeight || MappingPool.HasKeeperSlot((uint)leafTable))
        {
            return false; // a root, a table produced by the holder of a page-key space, or a producer some walk entered through a red key
        }

        const ulong TableSpan = 1UL << (MappingTable.PageShift + MappingTable.IndexBits);
        ulong relative = (offset * TableSpan) | (address & (TableSpan - 1));
        ulong evictions = DependTable.Evictions;
        ObjectHeader* around = null;
        int first = 0;
        ObjectHeader* page = relative < (1UL << SegmentWalk.SpanBits(height)) ? Reach(producer, height, relative, (uint)leafTable, entry, &around, &first) : null;
        if (page == null || DependTable.Evictions != evictions)
        {
            return false; // declined (records of a prefix may stay: they name an entry not present), or a record evicted an entry, perhaps of this path
        }

        MappingTable.SetEntry(table, 0, entry, page->Body, writable: false, user: true);
        if (around != null)
        {
            MapAround(around, table, first);
        }

        s_leafRebuilds++;
        return true;
    }

    /// <summary>
    /// L3 fault-around: the page keys of height-1 node <paramref name="node"/> (its slots map entries
    /// [<paramref name="first"/>, + 32) of leaf table <paramref name="table"/>, physical) that are prepared, each entry not
    /// present mapped read-only to its page, as the fault on that page would map it; anything else in a slot maps nothing.
    /// </summary>
    private static void MapAround(ObjectHeader* node, ulong table, int first)
    {
        Key* slots = NodeTree.Node.Slot(Cache.NodeBody(node), 0);
        for (int slot = 0; slot < NodeTree.Node.SlotCount; slot++)
        {
            Key* key = slots + slot;
            if (MappingTable.PresentTarget(table, first + slot) == MappingTable.NotPresent && key->IsPrepared && key->Type == KeyType.Page)
            {
                ObjectHeader* page = (ObjectHeader*)KernelReference.ToPointer(key->ObjectReference);
                MappingTable.SetReadOnlyLeaf(table, first + slot, page->Body);
                s_aroundEntries++;
            }
        }
    }

    /// <summary>
    /// L4: prepares page or segment key <paramref name="key"/> when its object is in the object cache (a lookup, no
    /// object fault, no disk read), as the general walk's PrepareKey would (ring link, AllocCount checked, the object
    /// marked referenced); false: another kind of key, the object not cached (or being read), or a stale count.
    /// </summary>
    private static bool PrepareCached(Key* key)
    {
        if (key->Type != KeyType.Page && key->Type != KeyType.Segment)
        {
            return false;
        }

        ObjectHeader* frame = Cache.Lookup(key->Oid);
        if (frame == null || frame->ObType != KeyTypes.TargetType(key->Type))
        {
            return false;
        }

        Cache.PrepareKnown(key, frame);
        if (!key->IsPrepared)
        {
            return false;
        }

        frame->Flags |= ObjectFlags.Referenced;
        return true;
    }

    /// <summary>
    /// The page the plain prepared keys below <paramref name="node"/> (entered with <paramref name="height"/>) reach at
    /// <paramref name="relative"/>, with depend records for entry <paramref name="entry"/> of <paramref name="table"/> per slot
    /// read (each after its key proved plain); null: declined (L2). A segment slot's record covers every entry of the
    /// table its span covers; a page key in a height-1 node records the node's 32 slots one to one and names the node
    /// (<paramref name="around"/>) and the entry of its slot 0 (<paramref name="first"/>) for fault-around (L3).
    /// </summary>
    private static ObjectHeader* Reach(ObjectHeader* node, int height, ulong relative, uint table, int entry, ObjectHeader** around, int* first)
    {
        while (true)
        {
            int slotBits = SegmentWalk.SpanBits(height - 1);
            int slot = (int)(relative >> slotBits);
            relative -= (ulong)slot << slotBits;
            Key* key = NodeTree.Node.Slot(Cache.NodeBody(node), slot);
            if (!key->IsPrepared && !PrepareCached(key))
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

                if (height == 1)
                {
                    DependTable.RecordSlots(node, 0, table, entry - slot, NodeTree.Node.SlotCount);
                    *around = node;
                    *first = entry - slot;
                }
                else
                {
                    DependTable.Record(node, slot, table, entry);
                }

                return target;
            }

            int keyHeight = key->Height;
            if (key->Type != KeyType.Segment || (key->KeyData & SegmentWalk.KeeperFlag) != 0 || keyHeight < 1 || keyHeight >= height
                || relative >= (1UL << SegmentWalk.SpanBits(keyHeight)))
            {
                return null;
            }

            int spanPages = slotBits - MappingTable.PageShift >= MappingTable.IndexBits ? MappingTable.EntriesPerTable : 1 << (slotBits - MappingTable.PageShift);
            DependTable.RecordSpan(node, slot, table, entry & ~(spanPages - 1), spanPages);
            node = target;
            height = keyHeight;
        }
    }
}
