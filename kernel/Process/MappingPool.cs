using CapOS.Kernel.NodeTree;
using CapOS.Kernel.ObjectCache;

namespace CapOS.Kernel.Process;

/// <summary>What a mapping table of the pool is used for.</summary>
public enum MappingTableKind : byte
{
    Free = 0,

    /// <summary>An address-space root, owned by its creator (the process table) until DestroyRoot.</summary>
    Root = 1,

    /// <summary>A product: a table below the root, shared by every walk that reaches its producer the same way.</summary>
    Product = 2,
}

/// <summary>
/// The mapping-table pool: a fixed number of table frames taken once at initialization (not from the object
/// cache), with a descriptor each, and the registry of products by producer (EROS SOSP'99 §4.2.1 "producer";
/// docs/process.md "Definitions").
/// </summary>
/// <remarks>
/// A product is keyed (producer node, height the producer was entered with, offset of the table's span in
/// the producer's span, level, read-only): its content is a function of the producer's subtree and those,
/// so every address space whose walk reaches the producer that way shares it. Products hang in hash chains
/// by producer alone, so a node's products are found at once when it leaves (<see cref="NextProduct"/>).
/// Tables are numbered 0..Count-1; their frames are contiguous, so a frame's number is arithmetic.
/// M1: a table is in exactly one state: free (on the free list), root, or product (in its producer's
/// chain). Checked: AddressSpacesTests.PoolExhaustionDropsEverythingAndRebuildsIdentically.
/// Written only by AddressSpaces (through these methods).
/// </remarks>
public static unsafe class MappingPool
{
    private struct Descriptor
    {
        public ulong Producer;
        public ulong Offset;
        public byte Level;
        public byte Height;
        public byte Flags; // FlagReadOnly, FlagKeeperSlot
        public MappingTableKind Kind;
        public uint Next;
    }

    private const byte FlagReadOnly = 1;
    private const byte FlagKeeperSlot = 2;

    private static ulong s_first;
    private static uint s_count;
    private static Descriptor* s_descriptors;
    private static uint* s_buckets;
    private static uint s_bucketMask;
    private static uint s_freeHead;
    private static uint s_free;

    /// <summary>Tables in the pool.</summary>
    public static uint Count => s_count;

    /// <summary>Tables free now.</summary>
    public static uint FreeCount => s_free;

    /// <summary>Bytes of descriptors and buckets (the table frames are separate, page aligned).</summary>
    public static ulong DescriptorBytes(uint count) => ((ulong)count * (ulong)sizeof(Descriptor)) + (HashBuckets.For(count) * 4UL);

    /// <summary>Takes the frames [<paramref name="firstTable"/>, + count pages) and descriptors in <paramref name="descriptors"/>; all free.</summary>
    public static void Initialize(ulong firstTable, uint count, byte* descriptors)
    {
        s_first = firstTable;
        s_count = count;
        s_descriptors = (Descriptor*)descriptors;
        s_buckets = (uint*)(descriptors + ((ulong)count * (ulong)sizeof(Descriptor)));
        s_bucketMask = HashBuckets.For(count) - 1;
        for (uint i = 0; i <= s_bucketMask; i++)
        {
            s_buckets[i] = 0;
        }

        s_freeHead = 0;
        s_free = 0;
        for (uint i = count; i > 0; i--)
        {
            s_descriptors[i - 1] = default;
            Push(i - 1);
        }
    }

    /// <summary>The physical address of table <paramref name="table"/>.</summary>
    public static ulong Physical(uint table) => s_first + ((ulong)table * MappingTable.TableBytes);

    /// <summary>The number of the table at <paramref name="physical"/>, or -1 when it is not a pool frame.</summary>
    public static int IndexOf(ulong physical)
    {
        if (physical < s_first || physical >= s_first + ((ulong)s_count * MappingTable.TableBytes) || (physical & (MappingTable.TableBytes - 1)) != 0)
        {
            return -1;
        }

        return (int)((physical - s_first) / MappingTable.TableBytes);
    }

    public static MappingTableKind Kind(uint table) => s_descriptors[table].Kind;

    public static int Level(uint table) => s_descriptors[table].Level;

    /// <summary>A free table, emptied, of <paramref name="kind"/> at <paramref name="level"/>; -1 when the pool is exhausted.</summary>
    public static int Allocate(MappingTableKind kind, int level)
    {
        if (s_freeHead == 0)
        {
            return -1;
        }

        uint table = s_freeHead - 1;
        s_freeHead = s_descriptors[table].Next;
        s_free--;
        s_descriptors[table] = default;
        s_descriptors[table].Kind = kind;
        s_descriptors[table].Level = (byte)level;
        MappingTable.ClearTable(Physical(table));
        return (int)table;
    }

    /// <summary>Registers table <paramref name="table"/> (a Product) as produced by node <paramref name="producer"/> (a segment node, or the holder of a page-key address space).</summary>
    public static void SetProducer(uint table, ObjectHeader* producer, int height, ulong offset, bool readOnly)
    {
        Descriptor* d = &s_descriptors[table];
        d->Producer = (ulong)producer;
        d->Height = (byte)height;
        d->Offset = offset;
        d->Flags = readOnly ? FlagReadOnly : (byte)0;
        uint bucket = Bucket(producer);
        d->Next = s_buckets[bucket];
        s_buckets[bucket] = table + 1;
    }

    /// <summary>The producer of product <paramref name="table"/> (null for a root or a free table), the height it was entered with and the table's offset in its span.</summary>
    public static ObjectHeader* Producer(uint table, out int height, out ulong offset)
    {
        Descriptor* d = &s_descriptors[table];
        height = d->Height;
        offset = d->Offset;
        return d->Kind == MappingTableKind.Product ? (ObjectHeader*)d->Producer : null;
    }

    /// <summary>
    /// Marks product <paramref name="table"/> as reached by some walk through a red segment key to its producer: that
    /// producer's slot 31 is its keeper slot, which maps nothing on that walk (SegmentWalk), so the page-fault fast
    /// path, which starts at the producer and does not see the key that reached it, must leave the table alone
    /// (AddressSpaces.Leaf L2). Sticky until the table is freed: a product is shared by every walk that reaches its
    /// producer the same way, red or not.
    /// </summary>
    public static void MarkKeeperSlot(uint table) => s_descriptors[table].Flags |= FlagKeeperSlot;

    /// <summary>True when some walk reached product <paramref name="table"/>'s producer through a red segment key (<see cref="MarkKeeperSlot"/>).</summary>
    public static bool HasKeeperSlot(uint table) => (s_descriptors[table].Flags & FlagKeeperSlot) != 0;

    /// <summary>The product (producer, height, offset, level, read-only), or -1.</summary>
    public static int FindProduct(ObjectHeader* producer, int height, ulong offset, int level, bool readOnly)
    {
        for (uint link = s_buckets[Bucket(producer)]; link != 0; link = s_descriptors[link - 1].Next)
        {
            Descriptor* d = &s_descriptors[link - 1];
            if (d->Producer == (ulong)producer && d->Height == height && d->Offset == offset && d->Level == level
                && ((d->Flags & FlagReadOnly) != 0) == readOnly)
            {
                return (int)(link - 1);
            }
        }

        return -1;
    }

    /// <summary>Some product of <paramref name="producer"/>, unlinked from its chain (the caller frees it); -1 when none is left.</summary>
    public static int NextProduct(ObjectHeader* producer)
    {
        uint* link = &s_buckets[Bucket(producer)];
        while (*link != 0)
        {
            uint table = *link - 1;
            if (s_descriptors[table].Producer == (ulong)producer)
            {
                *link = s_descriptors[table].Next;
                s_descriptors[table].Next = 0;
                return (int)table;
            }

            link = &s_descriptors[table].Next;
        }

        return -1;
    }

    /// <summary>Returns <paramref name="table"/> to the free list (a product must have been unlinked by <see cref="NextProduct"/>).</summary>
    public static void Free(uint table)
    {
        s_descriptors[table] = default;
        Push(table);
    }

    /// <summary>Frees every product at once (drop all, P8); roots stay.</summary>
    public static void FreeAllProducts()
    {
        for (uint i = 0; i <= s_bucketMask; i++)
        {
            s_buckets[i] = 0;
        }

        for (uint table = 0; table < s_count; table++)
        {
            if (s_descriptors[table].Kind == MappingTableKind.Product)
            {
                Free(table);
            }
        }
    }

    private static void Push(uint table)
    {
        s_descriptors[table].Kind = MappingTableKind.Free;
        s_descriptors[table].Next = s_freeHead;
        s_freeHead = table + 1;
        s_free++;
    }

    private static uint Bucket(ObjectHeader* producer) => HashBuckets.OfPointer(producer, s_bucketMask);
}
