using CapOS.Kernel.DiskFormat;
using CapOS.Kernel.NodeTree;

namespace CapOS.Kernel.ObjectCache;

/// <summary>
/// Key preparation: linking object keys on their object's ring (EROS Key::Prepare; docs/keys.md
/// "Prepared form", docs/object-cache.md "Prepared keys"). Only the cache touches rings.
/// </summary>
public static unsafe partial class Cache
{
    /// <summary>
    /// Prepares <paramref name="key"/> (which lives in kernel memory from the machine, 16-byte aligned:
    /// a node slot or a kernel table): faults its object in, checks the key's AllocCount (a resume key's
    /// CallCount) against the object's, then links the key on the object's ring. <paramref name="target"/>
    /// is the object, or null when the key designates none: not an object key, or void because the
    /// count differs (the key is left as it is, unprepared). A fault's result is returned as is.
    /// </summary>
    public static CacheResult PrepareKey(Key* key, out ObjectHeader* target) => PrepareKey(key, FaultMode.Synchronous, out target);

    /// <summary>
    /// <see cref="PrepareKey(Key*, out ObjectHeader*)"/> with the fault taken by <paramref name="mode"/>: on behalf of a
    /// process, <see cref="FaultMode.Asynchronous"/>, and Pending means "stall on the read" (Process.Stall.OnObject).
    /// </summary>
    public static CacheResult PrepareKey(Key* key, FaultMode mode, out ObjectHeader* target)
    {
        target = null;
        if (key->IsPrepared)
        {
            target = (ObjectHeader*)KernelReference.ToPointer(key->ObjectReference);
            return CacheResult.Ok;
        }

        if (!KeyTypes.IsObject(key->Type))
        {
            return CacheResult.Ok;
        }

        CacheResult result = Get(KeyTypes.TargetType(key->Type), key->Oid, mode, out ObjectHeader* frame);
        if (result != CacheResult.Ok)
        {
            return result;
        }

        if (key->AllocCount != CountFor(key->Type, frame))
        {
            return CacheResult.Ok;
        }

        Link(key, frame);
        target = frame;
        return CacheResult.Ok;
    }

    /// <summary>
    /// Prepares <paramref name="key"/>, found in the cache as <paramref name="frame"/> by the caller: links it on the
    /// ring with no second lookup (the page-fault fast path, AddressSpaces.Leaf L4). A key whose OID or count does not
    /// match is left unprepared, as <see cref="PrepareKey(Key*, out ObjectHeader*)"/> would leave it.
    /// </summary>
    public static void PrepareKnown(Key* key, ObjectHeader* frame)
    {
        if (!key->IsPrepared && KeyTypes.IsObject(key->Type) && key->Oid == frame->Oid && key->AllocCount == CountFor(key->Type, frame))
        {
            Link(key, frame);
        }
    }

    /// <summary>
    /// Writes into slot <paramref name="slot"/> of the cached node <paramref name="node"/> a key of <paramref name="type"/>
    /// to the cached <paramref name="frame"/>, no rights, no key data, already prepared: what writing its disk form (OID,
    /// the current AllocCount or, for a resume key, CallCount) and then <see cref="PrepareKey(Key*, out ObjectHeader*)"/>
    /// would leave, with no lookup and no count to compare (the count is the object's own). The slot's old key leaves its
    /// ring first. The invocation fast path's resume key; the caller does the slot-change bookkeeping (KeySlots I2).
    /// </summary>
    public static void WritePrepared(ObjectHeader* node, int slot, KeyType type, ObjectHeader* frame)
    {
        Key* key = Node.Slot(NodeBody(node), slot);
        if (key->IsPrepared)
        {
            Unlink(key);
        }

        *key = Key.Object(type, default, 0, KeyRights.None, 0);
        Link(key, SlotReference(node, slot), frame);
    }

    /// <summary>The reference of <paramref name="frame"/>'s header, which begins with its ring head: from its index in the one table, no address conversion.</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    private static uint HeaderReference(ObjectHeader* frame) => s_headerReference + (frame->Index * ReferencesPerHeader);

    /// <summary>The reference of slot <paramref name="slot"/> of the node frame <paramref name="node"/>: bodies are 16-byte aligned (Node.Size), slots 16 bytes.</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    private static uint SlotReference(ObjectHeader* node, int slot) => (uint)(node->Body >> 4) + (uint)slot;

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    private static void Unlink(Key* key)
    {
        KeyRing ring = key->Ring;
        ((KeyRing*)KernelReference.ToPointer(ring.Prev))->Next = ring.Next;
        ((KeyRing*)KernelReference.ToPointer(ring.Next))->Prev = ring.Prev;
    }

    private static void Link(Key* key, ObjectHeader* frame) => Link(key, KernelReference.From(key), frame);

    /// <summary>Links <paramref name="key"/>, whose reference is <paramref name="keyReference"/>, first on <paramref name="frame"/>'s ring and marks it prepared.</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    private static void Link(Key* key, uint keyReference, ObjectHeader* frame)
    {
        uint headReference = HeaderReference(frame);
        KeyRing ring;
        ring.Next = frame->KeyRing.Next;
        ring.Prev = headReference;
        ((KeyRing*)KernelReference.ToPointer(ring.Next))->Prev = keyReference;
        frame->KeyRing.Next = keyReference;
        key->SetPrepared(headReference, ring);
    }

    /// <summary>Unlinks a prepared key from its ring and puts back (OID, AllocCount); no effect on other keys.</summary>
    public static void UnprepareKey(Key* key)
    {
        if (!key->IsPrepared)
        {
            return;
        }

        ObjectHeader* frame = (ObjectHeader*)KernelReference.ToPointer(key->ObjectReference);
        Unlink(key);
        key->SetUnprepared(frame->Oid, CountFor(key->Type, frame));
    }

    /// <summary>
    /// Unprepares every key on the object's ring (before it leaves the cache or is written; a rescind; a resume key
    /// consumed): one walk that puts back each key's (OID, count), then the head alone again: no key is left to
    /// point at another, so no link needs mending on the way.
    /// </summary>
    public static void UnprepareRing(ObjectHeader* frame)
    {
        uint head = HeaderReference(frame);
        Oid oid = frame->Oid;
        for (uint link = frame->KeyRing.Next; link != head;)
        {
            Key* key = (Key*)KernelReference.ToPointer(link);
            link = key->Ring.Next;
            key->SetUnprepared(oid, CountFor(key->Type, frame));
        }

        frame->KeyRing.Next = head;
        frame->KeyRing.Prev = head;
    }

    /// <summary>Keys on the object's ring.</summary>
    public static uint RingLength(ObjectHeader* frame)
    {
        uint head = KernelReference.From(frame);
        uint count = 0;
        for (uint link = frame->KeyRing.Next; link != head && count <= uint.MaxValue - 1; count++)
        {
            link = ((KeyRing*)KernelReference.ToPointer(link))->Next;
        }

        return count;
    }

    /// <summary>The disk form of <paramref name="key"/> into <paramref name="disk"/>: unprepared, no memory-only bits.</summary>
    public static void DiskForm(Key* key, Key* disk)
    {
        *disk = *key;
        if (key->IsPrepared)
        {
            ObjectHeader* frame = (ObjectHeader*)KernelReference.ToPointer(key->ObjectReference);
            disk->SetUnprepared(frame->Oid, CountFor(key->Type, frame));
        }

        disk->SetHazards(KeyFlags.None);
    }

    /// <summary>
    /// CRC of an object's content as the disk would hold it: a page's 4096 bytes; a node's 32 keys in
    /// disk form followed by its CallCount (u32). Preparing keys does not change it.
    /// </summary>
    public static uint ComputeCrc(ObjectHeader* frame) =>
        frame->ObType == ObType.Node ? NodeCrc(NodeBody(frame)) : PageSeal.ImageCrc(PageData(frame));

    private static uint NodeCrc(Node* body)
    {
        uint crc = 0;
        Key disk;
        for (int i = 0; i < Node.SlotCount; i++)
        {
            DiskForm(Node.Slot(body, i), &disk);
            crc = Crc32C.Append(crc, (byte*)&disk, (nuint)sizeof(Key));
        }

        uint callCount = body->CallCount;
        return Crc32C.Append(crc, (byte*)&callCount, 4);
    }

    /// <summary>
    /// K4, K6 and ObjectHeader I4 over the whole cache: every ring is consistent (Prev(Next(L)) == L),
    /// every key on a ring is prepared and names the ring's header, and every prepared key in a cached
    /// node names a cached object of its target type. Returns the number of violations (0 = sound).
    /// </summary>
    public static uint CheckRings()
    {
        uint violations = 0;
        uint total = s_pageFrames + s_nodeFrames;
        for (uint i = 0; i < total; i++)
        {
            ObjectHeader* frame = &s_headers[i];
            if (frame->IsFree)
            {
                continue;
            }

            violations += CheckRing(frame);
            if (frame->ObType == ObType.Node)
            {
                violations += CheckSlots(NodeBody(frame));
            }
        }

        return violations;
    }

    private static uint CheckRing(ObjectHeader* frame)
    {
        uint head = KernelReference.From(frame);
        uint violations = 0;
        uint link = head;
        uint limit = (s_nodeFrames * Node.SlotCount) + 1024;
        for (uint steps = 0; steps <= limit; steps++)
        {
            KeyRing* current = (KeyRing*)KernelReference.ToPointer(link);
            uint next = current->Next;
            if (((KeyRing*)KernelReference.ToPointer(next))->Prev != link)
            {
                return violations + 1;
            }

            if (next == head)
            {
                return violations;
            }

            Key* key = (Key*)KernelReference.ToPointer(next);
            violations += key->IsPrepared && key->ObjectReference == head ? 0u : 1u;
            link = next;
        }

        return violations + 1;
    }

    private static uint CheckSlots(Node* body)
    {
        uint violations = 0;
        for (int s = 0; s < Node.SlotCount; s++)
        {
            Key* key = Node.Slot(body, s);
            if (!key->IsPrepared)
            {
                continue;
            }

            ObjectHeader* target = (ObjectHeader*)KernelReference.ToPointer(key->ObjectReference);
            bool sound = KeyTypes.IsObject(key->Type) && target != null && target->ObType == KeyTypes.TargetType(key->Type);
            violations += sound ? 0u : 1u;
        }

        return violations;
    }

    private static uint CountFor(KeyType type, ObjectHeader* frame) =>
        type == KeyType.Resume ? NodeBody(frame)->CallCount : frame->AllocCount;

    private static void ResetRing(ObjectHeader* frame)
    {
        uint head = KernelReference.From(frame);
        frame->KeyRing.Next = head;
        frame->KeyRing.Prev = head;
    }
}
