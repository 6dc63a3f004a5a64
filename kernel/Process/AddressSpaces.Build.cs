using CapOS.Kernel.Diagnostics;
using CapOS.Kernel.NodeTree;
using CapOS.Kernel.ObjectCache;

namespace CapOS.Kernel.Process;

/// <summary>
/// Building translations from a successful walk: products, entries and their depend records
/// (EROS SOSP'99 §4.2.1; docs/process.md "Departures": 9 index bits per level against 5 per node).
/// </summary>
/// <remarks>
/// The producer of the level-L table on a walk is the lowest node of the walk whose span covers the
/// table's span (2^(12 + 9(L+1)) bytes); when no node is that large, the walk's top node (its span starts
/// at address 0, so the table's offset is 0 and the table maps the whole segment); for a page key as the
/// address space, the holder itself (height <see cref="HolderHeight"/> + slot, offset 0). A table's
/// content is then a function of its product key (producer, height, offset, level, read-only above),
/// which is why walks that reach the producer the same way can share it.
/// An entry of a table whose producer is step i, pointing at a table whose producer is step j (or at
/// the page: j = step count), was built from the slots read at steps i..j-1 (step -1 = the holder's
/// slot): those are its depend records. The root's producer is the holder (step -1), so every root entry
/// depends on the address-space slot, and so does every entry of a holder-produced table.
/// </remarks>
public static unsafe partial class AddressSpaces
{
    /// <summary>Height recorded for a holder-produced table: this plus the holder's slot (segment heights are at most 10).</summary>
    private const int HolderHeight = 64;

    /// <summary>Installs the walk's translation of <paramref name="address"/> under root table <paramref name="root"/>; false when the pool ran out.</summary>
    private static bool Install(uint root, ObjectHeader* holder, int holderSlot, ref SegmentWalk.Result walk, ulong address, bool writable)
    {
        uint table = root;
        int tableProducer = -1;
        for (int level = MappingTable.Levels - 1; level > 0; level--)
        {
            ulong physical = MappingPool.Physical(table);
            int index = MappingTable.EntryIndex(address, level);
            int childProducer = ProducerStep(ref walk, level - 1);
            int child;
            if (MappingTable.ReadEntry(physical, index, out ulong target, out _, out _))
            {
                child = MappingPool.IndexOf(target);
                Panic.Assert(child >= 0 && MappingPool.Level((uint)child) == level - 1, "AddressSpaces: entry names no table of the level below");
            }
            else
            {
                child = FindOrMakeProduct(holder, holderSlot, ref walk, childProducer, level - 1, address);
                if (child < 0)
                {
                    return false;
                }

                MappingTable.SetEntry(physical, level, index, MappingPool.Physical((uint)child), writable: true, user: true);
                RecordDepends(holder, holderSlot, ref walk, tableProducer, childProducer, table, index);
            }

            table = (uint)child;
            tableProducer = childProducer;
        }

        ulong leaf = MappingPool.Physical(table);
        int entry = MappingTable.EntryIndex(address, 0);
        ulong page = walk.Page->Body;
        bool present = MappingTable.ReadEntry(leaf, entry, out ulong mapped, out bool wasWritable, out _);
        if (present && mapped == page && (wasWritable || !writable))
        {
            return true;
        }

        MappingTable.SetEntry(leaf, 0, entry, page, writable, user: true);
        if (present)
        {
            MappingTable.InvalidatePage(address);
        }

        RecordDepends(holder, holderSlot, ref walk, tableProducer, walk.StepCount, table, entry);
        if (writable)
        {
            WritableMappings.Add(table, entry);
        }

        return true;
    }

    /// <summary>The step whose node produces the level-<paramref name="level"/> table on this walk; -1 for the holder.</summary>
    private static int ProducerStep(ref SegmentWalk.Result walk, int level)
    {
        int bits = MappingTable.TableSpanBits(level);
        for (int i = walk.StepCount - 1; i >= 0; i--)
        {
            if (SegmentWalk.SpanBits(walk.Height(i)) >= bits)
            {
                return i;
            }
        }

        return walk.StepCount > 0 ? 0 : -1;
    }

    private static int FindOrMakeProduct(ObjectHeader* holder, int holderSlot, ref SegmentWalk.Result walk, int step, int level, ulong address)
    {
        ObjectHeader* producer = step < 0 ? holder : walk.Node(step);
        int height = step < 0 ? HolderHeight + holderSlot : walk.Height(step);
        ulong nodeBase = step < 0 ? 0 : walk.Base(step);
        bool readOnly = step >= 0 && (walk.RightsAt(step) & KeyRights.ReadOnly) != 0;
        ulong offset = (address - nodeBase) >> MappingTable.TableSpanBits(level);
        int table = MappingPool.FindProduct(producer, height, offset, level, readOnly);
        if (table < 0)
        {
            table = MappingPool.Allocate(MappingTableKind.Product, level);
            if (table >= 0)
            {
                MappingPool.SetProducer((uint)table, producer, height, offset, readOnly);
            }
        }

        if (table >= 0 && step >= 0 && walk.RedAt(step))
        {
            MappingPool.MarkKeeperSlot((uint)table); // the leaf fast path leaves this table to the general walk (Leaf L2)
        }

        return table;
    }

    /// <summary>Depend records for entry <paramref name="entry"/> of <paramref name="table"/>: the slots of steps [from, to) (-1: the holder's).</summary>
    private static void RecordDepends(ObjectHeader* holder, int holderSlot, ref SegmentWalk.Result walk, int from, int to, uint table, int entry)
    {
        if (from < 0)
        {
            DependTable.Record(holder, holderSlot, table, entry);
        }

        for (int step = from < 0 ? 0 : from; step < to; step++)
        {
            DependTable.Record(walk.Node(step), walk.Slot(step), table, entry);
        }
    }
}
