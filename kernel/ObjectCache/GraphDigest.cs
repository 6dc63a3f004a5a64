using CapOS.Kernel.Diagnostics;
using CapOS.Kernel.NodeTree;

namespace CapOS.Kernel.ObjectCache;

/// <summary>How a graph walk ended.</summary>
public enum WalkStatus : byte
{
    Ok = 0,

    /// <summary>An object fault failed (<see cref="WalkResult.Fault"/>, at <see cref="WalkResult.FailedOid"/>).</summary>
    ObjectFault,

    /// <summary>The seen-set or the queue ran out of the memory given.</summary>
    OutOfMemory,
}

/// <summary>Result of <see cref="GraphDigest.Walk"/>.</summary>
public struct WalkResult
{
    public WalkStatus Status;
    public CacheResult Fault;
    public Oid FailedOid;
    public ulong Digest;
    public ulong Nodes;
    public ulong Pages;

    /// <summary>Object faults taken during the walk.</summary>
    public ulong Faults;

    /// <summary>Evictions during the walk.</summary>
    public ulong Evictions;
}

/// <summary>
/// Walks the object graph from a root node by object faults and digests it (issue #3 item 7;
/// the definition is in docs/object-cache.md "Graph digest", and imagegen implements it independently).
/// </summary>
/// <remarks>
/// Breadth first; an object is marked seen when enqueued. A dequeued object appends its record
/// (node: 'N', Oid, AllocCount, CallCount, 32 disk-form keys; page: 'P', Oid, AllocCount, 4096 bytes)
/// to the FNV-1a stream; then each slot of a node whose key is an object key naming an unseen OID is
/// followed when its AllocCount matches the target's (resume keys: always). The check is the cache's
/// own <see cref="Cache.PrepareKey"/>, so the walk prepares keys, and evictions unprepare them. Only
/// the node being scanned is pinned, so the graph may be far larger than the cache.
/// </remarks>
public static unsafe class GraphDigest
{
    /// <summary>Walks from <paramref name="root"/> using <paramref name="bytes"/> of memory at <paramref name="memory"/> for the seen-set and the queue.</summary>
    public static WalkStatus Walk(Oid root, byte* memory, ulong bytes, out WalkResult result)
    {
        result = default;
        result.Digest = Fnv1a.OffsetBasis;
        CacheStatistics before = Cache.Statistics;
        uint seenSlots = 16;
        while ((ulong)seenSlots * 2 * 8 <= bytes / 2 && seenSlots < 0x40000000)
        {
            seenSlots *= 2;
        }

        ulong queueBytes = bytes > (ulong)seenSlots * 8 ? bytes - ((ulong)seenSlots * 8) : 0;
        OidSet seen = default;
        ObjectQueue queue = default;
        if (queueBytes < ObjectQueue.EntrySize)
        {
            return result.Status = WalkStatus.OutOfMemory;
        }

        seen.Initialize((ulong*)memory, seenSlots);
        queue.Initialize(memory + ((ulong)seenSlots * 8), (uint)System.Math.Min(queueBytes / ObjectQueue.EntrySize, 0x40000000UL));
        seen.Add(root);
        queue.Enqueue(ObType.Node, root);
        while (result.Status == WalkStatus.Ok && queue.Dequeue(out ObType type, out Oid oid))
        {
            Visit(type, oid, ref seen, ref queue, ref result);
        }

        CacheStatistics after = Cache.Statistics;
        result.Faults = after.Faults - before.Faults;
        result.Evictions = after.Evictions - before.Evictions;
        return result.Status;
    }

    private static void Visit(ObType type, Oid oid, ref OidSet seen, ref ObjectQueue queue, ref WalkResult result)
    {
        CacheResult fault = Cache.Get(type, oid, out ObjectHeader* frame);
        if (fault != CacheResult.Ok)
        {
            Fail(ref result, fault, oid);
            return;
        }

        if (type == ObType.Page)
        {
            ulong hash = Fnv1a.Append(result.Digest, (byte)'P');
            hash = Fnv1a.AppendU64(hash, oid.Value);
            hash = Fnv1a.AppendU32(hash, frame->AllocCount);
            result.Digest = Fnv1a.Append(hash, Cache.PageData(frame), Cache.PageSize);
            result.Pages++;
            return;
        }

        Cache.Pin(frame);
        result.Digest = AppendNode(result.Digest, frame);
        result.Nodes++;
        Node* body = Cache.NodeBody(frame);
        for (int slot = 0; slot < Node.SlotCount && result.Status == WalkStatus.Ok; slot++)
        {
            Follow(Node.Slot(body, slot), ref seen, ref queue, ref result);
        }

        Cache.Unpin(frame);
    }

    private static void Follow(Key* key, ref OidSet seen, ref ObjectQueue queue, ref WalkResult result)
    {
        Key disk;
        Cache.DiskForm(key, &disk);
        if (!KeyTypes.IsObject(disk.Type) || seen.Contains(disk.Oid))
        {
            return;
        }

        if (disk.Type != KeyType.Resume)
        {
            CacheResult fault = Cache.PrepareKey(key, out ObjectHeader* target);
            if (fault != CacheResult.Ok)
            {
                Fail(ref result, fault, disk.Oid);
                return;
            }

            if (target == null)
            {
                return; // AllocCount mismatch: the key is void (its bytes were digested with the node).
            }
        }

        if (!seen.Add(disk.Oid) || !queue.Enqueue(KeyTypes.TargetType(disk.Type), disk.Oid))
        {
            result.Status = WalkStatus.OutOfMemory;
        }
    }

    private static ulong AppendNode(ulong hash, ObjectHeader* frame)
    {
        Node* body = Cache.NodeBody(frame);
        hash = Fnv1a.Append(hash, (byte)'N');
        hash = Fnv1a.AppendU64(hash, frame->Oid.Value);
        hash = Fnv1a.AppendU32(hash, frame->AllocCount);
        hash = Fnv1a.AppendU32(hash, body->CallCount);
        Key disk;
        for (int slot = 0; slot < Node.SlotCount; slot++)
        {
            Cache.DiskForm(Node.Slot(body, slot), &disk);
            hash = Fnv1a.Append(hash, (byte*)&disk, (nuint)sizeof(Key));
        }

        return hash;
    }

    private static void Fail(ref WalkResult result, CacheResult fault, Oid oid)
    {
        result.Status = WalkStatus.ObjectFault;
        result.Fault = fault;
        result.FailedOid = oid;
    }

    /// <summary>
    /// Prints <c>walk: root=&lt;oid&gt; nodes=&lt;n&gt; pages=&lt;p&gt; digest=&lt;16 hex&gt; faults=&lt;f&gt; evictions=&lt;e&gt;</c>,
    /// or <c>walk: root=&lt;oid&gt; failed: &lt;fault&gt; at oid=&lt;oid&gt;</c>. OIDs in hex with 0x.
    /// </summary>
    public static void Report(Oid root, WalkResult* result)
    {
        Log.Write("walk: root=");
        WriteOid(root);
        if (result->Status != WalkStatus.Ok)
        {
            Log.Write(" failed: ");
            Log.Write(result->Status == WalkStatus.OutOfMemory ? "out of walk memory" : CacheResults.Name(result->Fault));
            Log.Write(" at oid=");
            WriteOid(result->FailedOid);
            Log.WriteLine();
            return;
        }

        Log.Write(" nodes=");
        Log.WriteDecimal(result->Nodes);
        Log.Write(" pages=");
        Log.WriteDecimal(result->Pages);
        Log.Write(" digest=");
        for (int shift = 60; shift >= 0; shift -= 4)
        {
            uint nibble = (uint)(result->Digest >> shift) & 0xF;
            Log.WriteChar((char)(nibble < 10 ? '0' + nibble : 'a' + nibble - 10));
        }

        Log.Write(" faults=");
        Log.WriteDecimal(result->Faults);
        Log.Write(" evictions=");
        Log.WriteDecimal(result->Evictions);
        Log.WriteLine();
    }

    private static void WriteOid(Oid oid)
    {
        int digits = 1;
        while (digits < 16 && (oid.Value >> (digits * 4)) != 0)
        {
            digits++;
        }

        Log.WriteHex(oid.Value, digits);
    }
}
