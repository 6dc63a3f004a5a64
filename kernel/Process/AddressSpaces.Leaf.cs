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
/// A depend record taken here may evict an older one and clear an entry of the same path (the general path's
/// InstallCompletely): then the fast path answers declined too, after its entry is in place with its records
/// (a consistent cache state), and the general path finishes the translation.
/// </remarks>
public static unsafe partial class AddressSpaces
{
    private static ulong s_leafRebuilds;

    /// <summary>Faults the fast path answered.</summary>
    public static ulong LeafRebuilds => s_leafRebuilds;

    /// <summary>L1, L2: true when the leaf entry of <paramref name="address"/> under <paramref name="root"/> was rebuilt and translates.</summary>
    private static bool TryRebuildLeaf(uint root, ulong address)
    {
        ulong table = MappingPool.Physical(root);
        for (int level = MappingTable.Levels - 1; level > 0; level--)
        {
            if (!MappingTable.ReadEntry(table, MappingTable.EntryIndex(address, level), out table, out _, out _))
            {
                return false;
            }
        }

        int leafTable = MappingPool.IndexOf(table);
        int entry = MappingTable.EntryIndex(address, 0);
        if (leafTable < 0 || MappingTable.ReadEntry(table, entry, out _, out _, out _))
        {
            return false;
        }

        ObjectHeader* node = MappingPool.Producer((uint)leafTable, out int height, out ulong offset);
        if (node == null || height > SegmentWalk.MaxHeight)
        {
            return false; // a root, or a table produced by the holder of a page-key space
        }

        ulong relative = (offset << MappingTable.TableSpanBits(0)) | (address & ((1UL << MappingTable.TableSpanBits(0)) - 1));
        if (relative >= (1UL << SegmentWalk.SpanBits(height)))
        {
            return false;
        }

        ObjectHeader** nodes = stackalloc ObjectHeader*[SegmentWalk.MaxHeight];
        int* slots = stackalloc int[SegmentWalk.MaxHeight];
        int steps = 0;
        while (true)
        {
            int slotBits = SegmentWalk.SpanBits(height - 1);
            int slot = (int)(relative >> slotBits);
            relative -= (ulong)slot << slotBits;
            nodes[steps] = node;
            slots[steps] = slot;
            steps++;
            Key* key = NodeTree.Node.Slot(Cache.NodeBody(node), slot);
            if (!key->IsPrepared)
            {
                return false;
            }

            ObjectHeader* target = (ObjectHeader*)KernelReference.ToPointer(key->ObjectReference);
            if (key->Type == KeyType.Page)
            {
                if (relative >= (1UL << 12))
                {
                    return false;
                }

                return InstallLeaf(table, entry, target->Body, nodes, slots, steps, (uint)leafTable);
            }

            int keyHeight = key->Height;
            if (key->Type != KeyType.Segment || (key->KeyData & SegmentWalk.KeeperFlag) != 0 || keyHeight < 1 || keyHeight >= height
                || relative >= (1UL << SegmentWalk.SpanBits(keyHeight)))
            {
                return false;
            }

            node = target;
            height = keyHeight;
        }
    }

    /// <summary>Writes the read-only leaf entry and its depend records; false when a record's eviction cleared an entry (the general path finishes).</summary>
    private static bool InstallLeaf(ulong table, int entry, ulong page, ObjectHeader** nodes, int* slots, int steps, uint leafTable)
    {
        MappingTable.SetEntry(table, 0, entry, page, writable: false, user: true);
        ulong evictions = DependTable.Evictions;
        for (int i = 0; i < steps; i++)
        {
            DependTable.Record(nodes[i], slots[i], leafTable, entry);
        }

        if (DependTable.Evictions != evictions)
        {
            return false;
        }

        s_leafRebuilds++;
        return true;
    }
}
