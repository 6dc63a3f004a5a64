using System.Runtime.CompilerServices;
using CapOS.Kernel.DiskFormat;
using CapOS.Kernel.NodeTree;

namespace CapOS.Kernel.ObjectCache;

/// <summary>
/// The object cache: page frames and node frames, an OID -> frame hash, object faults,
/// ageing and eviction, dirty tracking (EROS SOSP'99 §3.3 "object cache"; docs/object-cache.md).
/// </summary>
/// <remarks>
/// Theory of operation. The kernel holds no state of its own beyond caches (DESIGN.md §3):
/// every page and node the kernel touches is reached through <see cref="Get"/>, which
/// answers from the hash on a hit and otherwise takes an object fault (Cache.Load.cs): the
/// recovered checkpoint's directory says whether the object's current image is in the log,
/// else it comes from its home location; every image is checked (CRC, pot validation)
/// before a byte of it is used. A fault needs a free frame of the object's kind; the clock
/// (Cache.Evict.cs) frees the first clean, unpinned object not referenced since the hand
/// last passed, after unpreparing every key that points at it. Dirty objects stay until a
/// checkpoint cleans them (Cache.Dirty.cs); when only dirty or pinned frames remain the
/// fault answers <see cref="CacheResult.CacheFullOfDirty"/>. Prepared keys
/// (Cache.Keys.cs) point at the header of the object they designate.
/// Memory comes from the caller, laid out by <see cref="Initialize"/>:
/// page bodies | tag-pot pages | I/O page | read buffers | headers | node bodies | hash buckets | frame bitmaps | read table.
/// Faults are split into "find the source", "read a disk page" and "check and install" (Cache.Load.cs):
/// a fault on behalf of a process submits the read and answers Pending, its process stalls on the read
/// and restarts its operation when the completion installed the object (Cache.Reads.cs); kernel work
/// with no process to stall reads synchronously (<see cref="FaultMode"/>).
/// I1..I4: see <see cref="ObjectHeader"/>. I5: the frame counts never change after Initialize.
/// I6: DirtyCount equals the number of headers with Dirty set. I7 (images checked before use):
/// Cache.Load.cs. I8, I9 (what may be evicted, unprepare first): Cache.Evict.cs. I10 (pending
/// objects): Cache.Pending.cs. I11 (frame bitmaps): Cache.Bitmaps.cs. I12, I13 (asynchronous faults): Cache.Reads.cs.
/// </remarks>
public static unsafe partial class Cache
{
    /// <summary>Bytes per page frame.</summary>
    public const int PageSize = DiskLayout.PageSize;

    private static ObjectHeader* s_headers;
    private static uint s_pageFrames;
    private static uint s_nodeFrames;
    private static uint* s_buckets;
    private static uint s_bucketMask;
    private static byte* s_ioBuffer;
    private static VolumeHeader* s_volume;
    private static ulong s_logFirstPage;
    private static CacheStatistics s_statistics;
    private static FormatError s_lastFormatError;
    private static Io.DiskError s_lastDiskError;
    private static bool s_initialized;

    /// <summary>Page frames (fixed at initialization).</summary>
    public static uint PageFrameCount => s_pageFrames;

    /// <summary>Node frames (fixed at initialization).</summary>
    public static uint NodeFrameCount => s_nodeFrames;

    /// <summary>Counters since initialization.</summary>
    public static CacheStatistics Statistics => s_statistics;

    /// <summary>The format fault behind the last UnknownOid, WrongObjectKind or PotInvalid result.</summary>
    public static FormatError LastFormatError => s_lastFormatError;

    /// <summary>The disk error behind the last IoError result.</summary>
    public static Io.DiskError LastDiskError => s_lastDiskError;

    /// <summary>Bytes of memory <see cref="Initialize"/> takes for the given frame counts.</summary>
    public static ulong RequiredBytes(uint pageFrames, uint nodeFrames)
    {
        ulong pages = (ulong)pageFrames + TagPotCache.SlotCount + 1 + ReadSlots;
        ulong headers = ((ulong)pageFrames + nodeFrames) * ObjectHeader.Size;
        ulong nodes = (ulong)nodeFrames * Node.Size;
        return (pages * PageSize) + headers + nodes + (HashBuckets.For(pageFrames + nodeFrames) * 4UL) + (BitmapCount * BitmapBytes(pageFrames + nodeFrames))
            + ReadTableBytes;
    }

    /// <summary>
    /// Lays the cache out in the physical memory [<paramref name="physical"/>, + <paramref name="bytes"/>)
    /// (4 KiB aligned, reached through Machine.PhysicalToVirtual) and empties it. Objects are then
    /// located through <paramref name="volume"/> (validated; must stay in place) and the
    /// CheckpointDirectory. False when the memory is too small or a count is zero.
    /// </summary>
    public static bool Initialize(ulong physical, ulong bytes, uint pageFrames, uint nodeFrames, VolumeHeader* volume)
    {
        s_initialized = false;
        if (pageFrames == 0 || nodeFrames == 0 || physical == 0 || (physical % PageSize) != 0
            || bytes < RequiredBytes(pageFrames, nodeFrames) || volume == null)
        {
            return false;
        }

        int log = VolumeLayout.FindLogRange(volume);
        if (log < 0)
        {
            return false;
        }

        s_volume = volume;
        s_logFirstPage = VolumeHeader.Range(volume, log)->FirstPage;
        s_pageFrames = pageFrames;
        s_nodeFrames = nodeFrames;
        ulong tagPots = physical + ((ulong)pageFrames * PageSize);
        ulong io = tagPots + ((ulong)TagPotCache.SlotCount * PageSize);
        ulong readBuffers = io + PageSize;
        ulong headers = readBuffers + ((ulong)ReadSlots * PageSize);
        ulong nodes = headers + (((ulong)pageFrames + nodeFrames) * ObjectHeader.Size);
        ulong buckets = nodes + ((ulong)nodeFrames * Node.Size);
        s_ioBuffer = Machine.PhysicalToVirtual(io);
        s_headers = (ObjectHeader*)Machine.PhysicalToVirtual(headers);
        s_headerReference = KernelReference.From(s_headers);
        s_buckets = (uint*)Machine.PhysicalToVirtual(buckets);
        s_bucketMask = HashBuckets.For(pageFrames + nodeFrames) - 1;
        InitializeBitmaps((byte*)(s_buckets + s_bucketMask + 1), pageFrames + nodeFrames);
        InitializeReads(Machine.PhysicalToVirtual(readBuffers), (byte*)(s_buckets + s_bucketMask + 1) + (BitmapCount * BitmapBytes(pageFrames + nodeFrames)));
        TagPotCache.Initialize(tagPots);
        InitializeHeaders(physical, nodes);
        s_statistics = default;
        s_dirtyLimit = uint.MaxValue;
        Checkpoint.Reservation.Deactivate();
        Process.AddressSpaces.Deactivate();
        s_lastFormatError = FormatError.None;
        s_lastDiskError = Io.DiskError.None;
        ResetClock();
        s_initialized = true;
        return true;
    }

    private static void InitializeHeaders(ulong pageBodies, ulong nodeBodies)
    {
        for (uint i = 0; i <= s_bucketMask; i++)
        {
            s_buckets[i] = 0;
        }

        uint total = s_pageFrames + s_nodeFrames;
        for (uint i = 0; i < total; i++)
        {
            ObjectHeader* header = &s_headers[i];
            *header = default;
            header->Index = i;
            header->Body = i < s_pageFrames
                ? pageBodies + ((ulong)i * PageSize)
                : nodeBodies + ((ulong)(i - s_pageFrames) * Node.Size);
            ResetRing(header);
        }

        s_dirtyCount = 0;
        s_pendingCount = 0;
    }

    /// <summary>Header <paramref name="index"/> of the table (page frames first), for the checkpoint and tests.</summary>
    public static ObjectHeader* Header(uint index) => index < s_pageFrames + s_nodeFrames ? &s_headers[index] : null;

    /// <summary>The 4096 data bytes of a page frame.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static byte* PageData(ObjectHeader* frame) => Machine.PhysicalToVirtual(frame->Body);

    /// <summary>The body (slots, CallCount) of a node frame.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Node* NodeBody(ObjectHeader* frame) => (Node*)Machine.PhysicalToVirtual(frame->Body);

    /// <summary>The header of the page frame whose body is at physical <paramref name="body"/>, or null (not a page frame, or free).</summary>
    public static ObjectHeader* PageFrameAt(ulong body)
    {
        if (!s_initialized)
        {
            return null;
        }

        ulong first = s_headers[0].Body;
        if (body < first || (body - first) % PageSize != 0 || (body - first) / PageSize >= s_pageFrames)
        {
            return null;
        }

        ObjectHeader* frame = &s_headers[(body - first) / PageSize];
        return frame->IsFree ? null : frame;
    }

    /// <summary>
    /// The cached node whose slot <paramref name="key"/> is (and the slot's number), or null when the key
    /// lives elsewhere (a kernel table). The mapping layer finds a prepared key's slot this way.
    /// </summary>
    public static ObjectHeader* SlotHolder(Key* key, out int slot)
    {
        slot = -1;
        if (!s_initialized)
        {
            return null;
        }

        byte* first = (byte*)NodeBody(&s_headers[s_pageFrames]);
        ulong offset = (ulong)((byte*)key - first);
        if ((byte*)key < first || offset >= (ulong)s_nodeFrames * Node.Size || (offset % Node.Size) >= Node.CallCountOffset)
        {
            return null;
        }

        ObjectHeader* node = &s_headers[s_pageFrames + (uint)(offset / Node.Size)];
        slot = (int)(offset % Node.Size / 16);
        return node->IsFree ? null : node;
    }

    /// <summary>Gets the page <paramref name="oid"/>, faulting it in synchronously on a miss (kernel work only: <see cref="FaultMode.Synchronous"/>).</summary>
    public static CacheResult GetPage(Oid oid, out ObjectHeader* frame) => Get(ObType.Page, oid, FaultMode.Synchronous, out frame);

    /// <summary>Gets the node <paramref name="oid"/>, faulting it in synchronously on a miss (kernel work only: <see cref="FaultMode.Synchronous"/>).</summary>
    public static CacheResult GetNode(Oid oid, out ObjectHeader* frame) => Get(ObType.Node, oid, FaultMode.Synchronous, out frame);

    /// <summary>The cached object, faulting it in synchronously on a miss (kernel work only: <see cref="FaultMode.Synchronous"/>).</summary>
    public static CacheResult Get(ObType type, Oid oid, out ObjectHeader* frame) => Get(type, oid, FaultMode.Synchronous, out frame);

    /// <summary>
    /// The cached object (<paramref name="type"/> Page or Node, <paramref name="oid"/>): a hit marks it
    /// referenced; a miss takes an object fault, synchronous or asynchronous by <paramref name="mode"/>
    /// (Pending: the read is in flight, <see cref="LastPendingRead"/> names it; Cache.Reads.cs). On any result
    /// but Ok, <paramref name="frame"/> is null.
    /// </summary>
    public static CacheResult Get(ObType type, Oid oid, FaultMode mode, out ObjectHeader* frame)
    {
        frame = null;
        if (!s_initialized)
        {
            return CacheResult.NotInitialized;
        }

        ObjectHeader* found = Lookup(oid);
        int read = found == null ? FindRead(oid) : -1;
        if (read >= 0 && s_reads[read].Type != type)
        {
            return CacheResult.WrongObjectKind;
        }

        if (read >= 0 && mode == FaultMode.Asynchronous)
        {
            return JoinRead(read); // I12: no second read
        }

        if (read >= 0)
        {
            WaitForRead(read);
            found = Lookup(oid);
            if (found == null && s_reads[read].State == ReadState.Failed && s_reads[read].Oid == oid)
            {
                NoteFailure(&s_reads[read], s_reads[read].Result);
                return s_reads[read].Result;
            }
        }

        if (found != null)
        {
            if (found->ObType != type)
            {
                return CacheResult.WrongObjectKind;
            }

            found->Flags |= ObjectFlags.Referenced;
            s_statistics.Hits++;
            frame = found;
            return CacheResult.Ok;
        }

        s_statistics.Faults++;
        return Fault(type, oid, mode, out frame);
    }

    /// <summary>The cached object with <paramref name="oid"/>, or null; no fault, no side effect.</summary>
    public static ObjectHeader* Lookup(Oid oid)
    {
        if (!s_initialized)
        {
            return null;
        }

        uint link = s_buckets[Hash(oid)];
        while (link != 0)
        {
            ObjectHeader* header = &s_headers[link - 1];
            if (header->Oid == oid)
            {
                return header;
            }

            link = header->HashNext;
        }

        return null;
    }

    private static void HashInsert(ObjectHeader* header)
    {
        uint bucket = Hash(header->Oid);
        header->HashNext = s_buckets[bucket];
        s_buckets[bucket] = header->Index + 1;
    }

    private static void HashRemove(ObjectHeader* header)
    {
        uint* link = &s_buckets[Hash(header->Oid)];
        while (*link != 0)
        {
            if (*link == header->Index + 1)
            {
                *link = header->HashNext;
                header->HashNext = 0;
                return;
            }

            link = &s_headers[*link - 1].HashNext;
        }
    }

    /// <summary>
    /// The bucket of <paramref name="oid"/>: the OID with its high bits folded in, so that consecutive OIDs
    /// (a range's objects are numbered in a row) take consecutive buckets. Chains stay short (a cached run
    /// of OIDs fills distinct buckets) and a pass over the cache in frame order - which is mostly load
    /// order, hence OID order - reads the bucket table nearly sequentially (the consistency check, C1).
    /// </summary>
    private static uint Hash(Oid oid)
    {
        ulong v = oid.Value;
        return (uint)(v ^ (v >> 17) ^ (v >> 34) ^ (v >> 51)) & s_bucketMask;
    }
}
