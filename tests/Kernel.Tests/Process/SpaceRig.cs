using System;
using System.Collections.Generic;
using CapOS.Kernel.Checkpoint;
using CapOS.Kernel.Host;
using CapOS.Kernel.NodeTree;
using CapOS.Kernel.ObjectCache;
using CapOS.Kernel.Process;
using CapOS.Kernel.Tests.Checkpoint;
using Xunit;

namespace CapOS.Kernel.Tests.Process;

/// <summary>
/// A booted store with the running checkpoint (CheckpointerTestRig) and the mapping layer on top: segment
/// trees built with VolumeBuilder, holders (process roots) whose slot 2 holds the address-space key, and the
/// judge: the simulated MMU's answers compared with fresh segment walks.
/// </summary>
internal sealed unsafe class SpaceRig : IDisposable
{
    public const ulong SpacesAt = 0x1800000;
    public const ulong SpacesBytes = 8UL * 1024 * 1024;
    public const int Slot = ProcessRoot.AddressSpace;

    private readonly CheckpointerTestRig _rig;

    public SpaceRig(VolumeBuilder builder, uint tables = 64, uint depends = 1024, uint writables = 256, uint pageFrames = 64, uint nodeFrames = 64)
    {
        Builder = builder;
        _rig = new CheckpointerTestRig(builder.Build(), pageFrames, nodeFrames);
        Assert.True(AddressSpaces.Initialize(SpacesAt, SpacesBytes, tables, depends, writables));
    }

    public VolumeBuilder Builder { get; }

    public SimulatedMachine Machine => _rig.Machine;

    public SimulatedDisk Disk => _rig.Disk;

    public SimulatedMmu Mmu => _rig.Machine.Mmu;

    public static Key Segment(Oid node, int height, KeyRights rights = KeyRights.None, uint allocCount = 1) =>
        Key.Object(KeyType.Segment, node, allocCount, rights, (ushort)height);

    public static Key PageKey(Oid page, KeyRights rights = KeyRights.None, uint allocCount = 1) =>
        Key.Object(KeyType.Page, page, allocCount, rights, 0);

    /// <summary>Page content for page index <paramref name="index"/>: every byte (index + 1).</summary>
    public static byte[] PageData(ulong index)
    {
        var data = new byte[4096];
        Array.Fill(data, (byte)(index + 1));
        return data;
    }

    public static ObjectHeader* Node(Oid oid) => CheckpointerTestRig.Node(oid);

    public static ObjectHeader* Page(Oid oid) => CheckpointerTestRig.Page(oid);

    public static Key* SlotOf(ObjectHeader* node, int slot) => global::CapOS.Kernel.NodeTree.Node.Slot(Cache.NodeBody(node), slot);

    /// <summary>A process: the holder node <paramref name="holder"/> and a fresh root.</summary>
    public static (ulong Holder, ulong Root) Space(Oid holder)
    {
        ulong root = AddressSpaces.CreateRoot();
        Assert.NotEqual(0UL, root);
        return ((ulong)Node(holder), root);
    }

    /// <summary>
    /// A page fault handled to its end: while an object of the path is being read (StallObject, Pending) the
    /// disk completes the read (Cache.CompleteReads) and the fault is taken again, as a stalled process retries it.
    /// </summary>
    public static PageFaultResult Fault((ulong Holder, ulong Root) space, ulong address, bool write)
    {
        for (int round = 0; ; round++)
        {
            PageFaultResult result = AddressSpaces.HandlePageFault((ObjectHeader*)space.Holder, Slot, space.Root, address, write);
            if (result != PageFaultResult.StallObject || AddressSpaces.LastCause != CacheResult.Pending)
            {
                return result;
            }

            Assert.True(round < 64, "a page fault kept waiting for reads");
            Cache.CompleteReads();
        }
    }

    /// <summary>A user access the way the CPU does it: a fault handled by the kernel, then the retry. The physical address reached, or null.</summary>
    public ulong? Touch((ulong Holder, ulong Root) space, ulong address, bool write)
    {
        ulong? reached = Mmu.Access(space.Root, address, write);
        if (reached != null)
        {
            return reached;
        }

        return Fault(space, address, write) == PageFaultResult.Mapped ? Mmu.Access(space.Root, address, write) : null;
    }

    /// <summary>Replaces slot <paramref name="slot"/> of node <paramref name="oid"/> the way a kernel write does: dirty, unprepare, write, SlotChanged.</summary>
    public static void SetSlot(Oid oid, int slot, Key key)
    {
        ObjectHeader* node = Node(oid);
        Assert.True(Cache.MarkDirty(node));
        Key* target = SlotOf(node, slot);
        AddressSpaces.SlotChanged(node, slot);
        Cache.UnprepareKey(target);
        *target = key;
    }

    /// <summary>A fresh walk of the address-space key of <paramref name="space"/> (Release done).</summary>
    public static (WalkOutcome Outcome, ulong Page, bool Writable) FreshWalk((ulong Holder, ulong Root) space, ulong address)
    {
        SegmentWalk.Walk(SlotOf((ObjectHeader*)space.Holder, Slot), address, false, FaultMode.Synchronous, out SegmentWalk.Result walk);
        (WalkOutcome, ulong, bool) answer = (walk.Outcome, walk.Page != null ? walk.Page->Body : 0, walk.Writable);
        SegmentWalk.Release(ref walk);
        return answer;
    }

    /// <summary>
    /// The judge: for every address, whatever the simulated MMU yields (through its TLB, and from the tables
    /// alone) equals a fresh walk: the same page frame, writable only if the walk allows writes and the page
    /// is dirty (P5). Then the structure: every table entry names a live table of the level below or a cached
    /// page; every writable leaf is on the writable list (W1).
    /// </summary>
    public void Judge(IEnumerable<(ulong Holder, ulong Root)> spaces, IEnumerable<ulong> addresses, string context = "")
    {
        foreach ((ulong Holder, ulong Root) space in spaces)
        {
            foreach (ulong address in addresses)
            {
                ulong? read = Mmu.Access(space.Root, address, false);
                ulong? write = Mmu.Access(space.Root, address, true);
                bool tables = SimulatedMmu.Walk(space.Root, address, out ulong tableFrame, out bool tableWritable);
                if (read == null && write == null && !tables)
                {
                    continue;
                }

                (WalkOutcome outcome, ulong page, bool writable) = FreshWalk(space, address);
                string where = $"{context} root=0x{space.Root:x} address=0x{address:x}";
                Assert.True(outcome == WalkOutcome.Success, $"mapped but the walk says {outcome}: {where}");
                ulong offset = address & 0xFFF;
                if (read != null)
                {
                    Assert.True(read == page + offset, $"read reaches 0x{read:x}, walk 0x{page:x}: {where}");
                }

                if (tables)
                {
                    Assert.True(tableFrame == page, $"tables reach 0x{tableFrame:x}, walk 0x{page:x}: {where}");
                }

                if (write != null || (tables && tableWritable))
                {
                    Assert.True(writable, $"writable mapping under a read-only path: {where}");
                    Assert.True(Cache.PageFrameAt(page)->IsDirty, $"writable mapping of a page that is not dirty (P5): {where}");
                    Assert.True(write == null || write == page + offset, $"write reaches 0x{write:x}, walk 0x{page:x}: {where}");
                }
            }
        }

        CheckStructure();
    }

    /// <summary>Every present entry of a live table names a live table of the level below, or (level 0) a cached page; W1.</summary>
    public static void CheckStructure()
    {
        for (uint table = 0; table < MappingPool.Count; table++)
        {
            MappingTableKind kind = MappingPool.Kind(table);
            if (kind == MappingTableKind.Free)
            {
                continue;
            }

            int level = MappingPool.Level(table);
            int entries = kind == MappingTableKind.Root ? MappingTable.UserRootEntries : MappingTable.EntriesPerTable;
            for (int i = 0; i < entries; i++)
            {
                if (!MappingTable.ReadEntry(MappingPool.Physical(table), i, out ulong target, out bool writable, out _))
                {
                    continue;
                }

                if (level > 0)
                {
                    int child = MappingPool.IndexOf(target);
                    Assert.True(child >= 0 && MappingPool.Kind((uint)child) == MappingTableKind.Product && MappingPool.Level((uint)child) == level - 1,
                        $"table {table} entry {i} names no live table of level {level - 1}");
                }
                else
                {
                    Assert.True(Cache.PageFrameAt(target) != null, $"table {table} entry {i} maps a frame that holds no page");
                    Assert.True(!writable || WritableMappings.Contains(table, i), $"table {table} entry {i} writable but not on the list (W1)");
                }
            }
        }
    }

    /// <summary>The physical address of the level-0 table translating <paramref name="address"/>, or 0.</summary>
    public static ulong LeafTable(ulong root, ulong address)
    {
        ulong table = root;
        for (int level = MappingTable.Levels - 1; level > 0; level--)
        {
            if (!MappingTable.ReadEntry(table, MappingTable.EntryIndex(address, level), out ulong next, out _, out _))
            {
                return 0;
            }

            table = next;
        }

        return table;
    }

    public void Dispose() => _rig.Dispose();
}
