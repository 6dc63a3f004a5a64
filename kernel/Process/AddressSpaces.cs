using CapOS.Kernel.Diagnostics;
using CapOS.Kernel.Memory;
using CapOS.Kernel.NodeTree;
using CapOS.Kernel.ObjectCache;

namespace CapOS.Kernel.Process;

/// <summary>What <see cref="AddressSpaces.HandlePageFault"/> did.</summary>
public enum PageFaultResult : byte
{
    /// <summary>The translation is installed: retry the access.</summary>
    Mapped = 0,

    /// <summary>The tree has no page there (void or malformed slot, beyond the segment, stale key).</summary>
    InvalidAddress = 1,

    /// <summary>A write under a read-only or weak key.</summary>
    AccessFault = 2,

    /// <summary>
    /// An object of the path is not in memory (<see cref="AddressSpaces.LastCause"/>): Pending (its read is in flight)
    /// or CacheFullOfDirty: stall (Stall.OnObject) and retry; any other cause: the read failed or the store is damaged.
    /// </summary>
    StallObject = 3,

    /// <summary>The page could not be dirtied: its log reservation was refused (a checkpoint was requested): stall, retry after it.</summary>
    StallLogSpace = 4,

    /// <summary>The pool cannot hold one walk's tables even after dropping all mappings (pool too small).</summary>
    NoTables = 5,

    /// <summary>The page is frozen by a snapshot and its image is being written (Cache.MarkDirty refused, ImageInFlight): stall (StallReason.ImageWrite), retry.</summary>
    StallImageWrite = 6,
}

/// <summary>
/// Address spaces from node trees: hardware translations built lazily from segment walks, the depend
/// table, producer/product sharing, the writable-mapping list (EROS SOSP'99 §4.2; docs/process.md
/// "Page faults", "Snapshot", "Eviction"). Everything here is a cache of the node tree (P8).
/// </summary>
/// <remarks>
/// Theory of operation. A fault walks the tree (<see cref="SegmentWalk"/>) and installs one entry per
/// level below the root (AddressSpaces.Build.cs): the table at each level is the product of the lowest
/// node of the walk whose span covers the table's span (<see cref="MappingPool"/>), found or made; each
/// entry gets depend records for the slots read between its table's producer and what it points to
/// (<see cref="DependTable"/>); root entries also depend on the address-space slot. Changing a slot
/// (<see cref="SlotChanged"/>) or an object leaving the cache (<see cref="ObjectLeaving"/>, called by
/// Cache.Remove: every key designating it is in some node slot, found on its ring) clears exactly the
/// entries built from it and flushes the TLB. A write fault maps writable only after Cache.MarkDirty
/// succeeded, and notes the entry on <see cref="WritableMappings"/>; the snapshot write-protects all of
/// them in its pause (<see cref="WriteProtectAll"/>). When the pool runs out, everything is dropped
/// (<see cref="DropAll"/>) and the fault goes on.
/// Invariants (docs/process.md): P5 (checked by C7, <see cref="CheckWritableMappings"/>), P6 (DependTable
/// D1), P7 (<see cref="ObjectLeaving"/>), P8 (<see cref="DropAll"/>); the tests named there check them.
/// State is set up by <see cref="Initialize"/> after the object cache (Cache.Initialize deactivates it).
/// </remarks>
public static unsafe partial class AddressSpaces
{
    private static bool s_initialized;
    private static ulong s_faults;
    private static ulong s_drops;
    private static CacheResult s_lastCause;
    private static ulong s_reinstalls;

    /// <summary>True between <see cref="Initialize"/> and the next Cache.Initialize.</summary>
    public static bool Initialized => s_initialized;

    /// <summary>Page faults handled.</summary>
    public static ulong Faults => s_faults;

    /// <summary>Times every mapping was dropped (pool exhausted, or asked).</summary>
    public static ulong Drops => s_drops;

    /// <summary>Installs repeated because a depend record evicted during the install cleared an entry of the same path.</summary>
    public static ulong Reinstalls => s_reinstalls;

    /// <summary>The cache's answer behind the last StallObject.</summary>
    public static CacheResult LastCause => s_lastCause;

    private static Oid s_lastKeeper;
    private static ulong s_lastKeeperBase;
    private static ushort s_lastKeeperKeyData;

    /// <summary>After InvalidAddress or AccessFault: the red segment node whose keeper takes the fault (null OID: none).</summary>
    public static Oid LastKeeper => s_lastKeeper;

    /// <summary>Where <see cref="LastKeeper"/>'s segment begins.</summary>
    public static ulong LastKeeperBase => s_lastKeeperBase;

    /// <summary>The key data <see cref="LastKeeper"/> was entered with (height, keeper flag).</summary>
    public static ushort LastKeeperKeyData => s_lastKeeperKeyData;

    /// <summary>
    /// Fewest depend records: one install records at most one per slot it read (MaxHeight + 1), and the clock
    /// must never evict a record made in the same install round (it would clear an entry just made, round
    /// after round); twice that is enough. Records of earlier faults may still go (InstallCompletely).
    /// </summary>
    public const uint MinimumDepends = 2 * (SegmentWalk.MaxHeight + 1);

    /// <summary>Bytes <see cref="Initialize"/> takes: the table frames, then descriptors, depend records and the writable list.</summary>
    public static ulong RequiredBytes(uint tables, uint depends, uint writables)
    {
        ulong rest = MappingPool.DescriptorBytes(tables) + DependTable.RequiredBytes(depends) + WritableMappings.RequiredBytes(writables);
        return ((ulong)tables * MappingTable.TableBytes) + ((rest + MappingTable.TableBytes - 1) & ~(MappingTable.TableBytes - 1));
    }

    /// <summary>
    /// Lays the layer out in physical [<paramref name="physical"/>, + <see cref="RequiredBytes"/>) (page
    /// aligned): <paramref name="tables"/> mapping tables (roots and products), <paramref name="depends"/>
    /// depend records (at least <see cref="MinimumDepends"/>), <paramref name="writables"/> writable-list
    /// records. Call after the object cache is initialized. False when the memory is too small or a count is
    /// out of range.
    /// </summary>
    public static bool Initialize(ulong physical, ulong bytes, uint tables, uint depends, uint writables)
    {
        s_initialized = false;
        if (tables < 4 || tables >= (1U << 22) || depends < MinimumDepends || writables == 0 || (physical & (MappingTable.TableBytes - 1)) != 0
            || bytes < RequiredBytes(tables, depends, writables))
        {
            return false;
        }

        byte* rest = Machine.PhysicalToVirtual(physical + ((ulong)tables * MappingTable.TableBytes));
        MappingPool.Initialize(physical, tables, rest);
        rest += MappingPool.DescriptorBytes(tables);
        DependTable.Initialize(rest, depends);
        rest += DependTable.RequiredBytes(depends);
        WritableMappings.Initialize(rest, writables);
        s_faults = 0;
        s_drops = 0;
        s_reinstalls = 0;
        s_lastCause = CacheResult.Ok;
        s_initialized = true;
        return true;
    }

    /// <summary>Initialize with memory from the page allocator (boot on metal); false when no run that long is free.</summary>
    public static bool InitializeFromPageAllocator(uint tables, uint depends, uint writables)
    {
        ulong bytes = RequiredBytes(tables, depends, writables);
        ulong physical = PageAllocator.AllocateRun(bytes / PageAllocator.PageSize);
        return physical != 0 && Initialize(physical, bytes, tables, depends, writables);
    }

    /// <summary>Forgets everything (the object cache was re-initialized, so every mapping is meaningless).</summary>
    public static void Deactivate() => s_initialized = false;

    /// <summary>
    /// A new address-space root (no user mappings; the kernel half as every space has it): its physical
    /// address, to load into the MMU; 0 when the pool holds only roots. The caller owns it until <see cref="DestroyRoot"/>.
    /// </summary>
    public static ulong CreateRoot()
    {
        if (!s_initialized)
        {
            return 0;
        }

        int table = MappingPool.Allocate(MappingTableKind.Root, MappingTable.Levels - 1);
        if (table < 0)
        {
            DropAll();
            table = MappingPool.Allocate(MappingTableKind.Root, MappingTable.Levels - 1);
        }

        if (table < 0)
        {
            return 0;
        }

        ulong physical = MappingPool.Physical((uint)table);
        MappingTable.InitializeRoot(physical);
        return physical;
    }

    /// <summary>Returns a root from <see cref="CreateRoot"/> to the pool; the MMU must not be using it.</summary>
    public static void DestroyRoot(ulong root)
    {
        uint table = RootTable(root);
        DependTable.ForgetTable(table);
        MappingPool.Free(table);
        MappingTable.InvalidateAll();
    }

    /// <summary>
    /// A page fault at user <paramref name="address"/> (a write when <paramref name="isWrite"/>) in the
    /// address space whose key is slot <paramref name="slot"/> of node <paramref name="holder"/> (a process
    /// root and <see cref="ProcessRoot.AddressSpace"/>), translated by root table <paramref name="root"/>
    /// (<see cref="CreateRoot"/>). Mapped: retry the access. Any other answer installed nothing new; the
    /// caller parks the process (InvalidAddress, AccessFault) or stalls it and retries the access later
    /// (StallObject, StallLogSpace, StallImageWrite). Atomic: nothing is left half done on any answer. The
    /// fault is on behalf of a process, so an object not in memory is read asynchronously (StallObject with
    /// LastCause Pending: the read is in flight).
    /// </summary>
    public static PageFaultResult HandlePageFault(ObjectHeader* holder, int slot, ulong root, ulong address, bool isWrite)
    {
        Panic.Assert(s_initialized, "AddressSpaces.HandlePageFault: not initialized");
        uint rootTable = RootTable(root);
        s_faults++;
        s_lastKeeper = default;
        if (address >= MappingTable.UserAddressLimit)
        {
            return PageFaultResult.InvalidAddress;
        }

        if (!isWrite && TryRebuildLeaf(root, address))
        {
            return PageFaultResult.Mapped; // the leaf fast path (AddressSpaces.Leaf.cs)
        }

        Cache.Pin(holder);
        SegmentWalk.Walk(NodeTree.Node.Slot(Cache.NodeBody(holder), slot), address, isWrite, FaultMode.Asynchronous, out SegmentWalk.Result walk);
        PageFaultResult result = walk.Outcome switch
        {
            WalkOutcome.Success => PageFaultResult.Mapped,
            WalkOutcome.AccessFault => PageFaultResult.AccessFault,
            WalkOutcome.ObjectUnavailable => PageFaultResult.StallObject,
            _ => PageFaultResult.InvalidAddress,
        };

        s_lastKeeper = walk.Keeper == null ? default : walk.Keeper->Oid;
        s_lastKeeperBase = walk.KeeperBase;
        s_lastKeeperKeyData = walk.KeeperKeyData;
        if (result == PageFaultResult.StallObject)
        {
            s_lastCause = walk.Cause;
        }
        else if (result == PageFaultResult.Mapped && isWrite && !Cache.MarkDirty(walk.Page))
        {
            result = Cache.LastRefusal == DirtyRefusal.ImageInFlight ? PageFaultResult.StallImageWrite : PageFaultResult.StallLogSpace;
        }
        else if (result == PageFaultResult.Mapped)
        {
            result = InstallCompletely(rootTable, holder, slot, ref walk, address, isWrite);
        }

        SegmentWalk.Release(ref walk);
        Cache.Unpin(holder);
        return result;
    }

    /// <summary>
    /// Installs the walk until the tables translate <paramref name="address"/>: taking a depend record may
    /// evict an old one (DependTable) whose entry is an ancestor of the one being built, leaving the new
    /// entry unreachable; installing again rebuilds it (records taken now sit behind the clock hand, so a
    /// few rounds always finish). A pool that runs out is dropped once (P8).
    /// </summary>
    private static PageFaultResult InstallCompletely(uint root, ObjectHeader* holder, int slot, ref SegmentWalk.Result walk, ulong address, bool writable)
    {
        bool dropped = false;
        for (int round = 0; round <= MappingTable.Levels; round++)
        {
            if (!Install(root, holder, slot, ref walk, address, writable))
            {
                if (dropped)
                {
                    return PageFaultResult.NoTables;
                }

                DropAll();
                dropped = true;
                round--;
                continue;
            }

            if (Translates(root, address, walk.Page->Body, writable))
            {
                return PageFaultResult.Mapped;
            }

            s_reinstalls++;
        }

        return PageFaultResult.Mapped;
    }

    /// <summary>True when the tables under <paramref name="root"/> map <paramref name="address"/> to <paramref name="page"/> (writable if asked).</summary>
    private static bool Translates(uint root, ulong address, ulong page, bool writable)
    {
        ulong table = MappingPool.Physical(root);
        for (int level = MappingTable.Levels - 1; level >= 0; level--)
        {
            if (!MappingTable.ReadEntry(table, MappingTable.EntryIndex(address, level), out table, out bool entryWritable, out _)
                || (level == 0 && (table != page || (writable && !entryWritable))))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>
    /// Slot <paramref name="slot"/> of <paramref name="node"/> changed (or is about to, within the same
    /// kernel operation): every entry built from it goes (P6). Every writer of node slots calls this.
    /// </summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    public static void SlotChanged(ObjectHeader* node, int slot)
    {
        if ((node->Flags & ObjectFlags.Depended) != 0 && s_initialized && DependTable.InvalidateSlot(node, slot) != 0)
        {
            MappingTable.InvalidateAll();
        }
    }

    /// <summary>
    /// The object leaves the cache or its AllocCount changes (Cache.Remove; rescind): every entry built
    /// through a key designating it goes, and for a node every entry built from its slots and every table
    /// it produced (P7). Keys designating it are prepared (the walk prepared them) and so on its ring.
    /// </summary>
    public static void ObjectLeaving(ObjectHeader* frame)
    {
        if (!s_initialized)
        {
            return;
        }

        uint cleared = 0;
        uint head = KernelReference.From(frame);
        for (uint link = frame->KeyRing.Next; link != head; link = ((KeyRing*)KernelReference.ToPointer(link))->Next)
        {
            ObjectHeader* node = Cache.SlotHolder((Key*)KernelReference.ToPointer(link), out int slot);
            if (node != null)
            {
                cleared += DependTable.InvalidateSlot(node, slot);
            }
        }

        if (frame->ObType == ObType.Node)
        {
            cleared += DependTable.InvalidateNode(frame);
            for (int table = MappingPool.NextProduct(frame); table >= 0; table = MappingPool.NextProduct(frame))
            {
                Forget((uint)table);
                MappingPool.Free((uint)table);
                cleared++;
            }
        }

        if (cleared != 0)
        {
            MappingTable.InvalidateAll();
        }
    }

    /// <summary>The snapshot's pause: no mapping allows writes any more (P5); a write re-faults and dirties the page first.</summary>
    public static void WriteProtectAll()
    {
        if (!s_initialized)
        {
            return;
        }

        WritableMappings.ProtectAll();
        MappingTable.InvalidateAll();
    }

    /// <summary>Drops every mapping (P8): every product freed, every root emptied, depend table and writable list cleared.</summary>
    public static void DropAll()
    {
        if (!s_initialized)
        {
            return;
        }

        for (uint table = 0; table < MappingPool.Count; table++)
        {
            if (MappingPool.Kind(table) == MappingTableKind.Root)
            {
                for (int i = 0; i < MappingTable.UserRootEntries; i++)
                {
                    MappingTable.ClearEntry(MappingPool.Physical(table), i);
                }
            }
        }

        MappingPool.FreeAllProducts();
        DependTable.Clear();
        WritableMappings.Clear();
        MappingTable.InvalidateAll();
        s_drops++;
    }

    /// <summary>C7 (P5): no writable mapping of a page that is not dirty. False with the page (null: not a cached page) on the first violation.</summary>
    public static bool CheckWritableMappings(out ObjectHeader* page)
    {
        page = null;
        return !s_initialized || WritableMappings.Check(out page);
    }

    private static uint RootTable(ulong root)
    {
        int table = MappingPool.IndexOf(root);
        Panic.Assert(table >= 0 && MappingPool.Kind((uint)table) == MappingTableKind.Root, "AddressSpaces: not a root from CreateRoot");
        return (uint)table;
    }

    /// <summary>Drops the depend records and writable records naming a table that is being freed (D2, W2).</summary>
    private static void Forget(uint table)
    {
        DependTable.ForgetTable(table);
        WritableMappings.ForgetTable(table);
    }
}
