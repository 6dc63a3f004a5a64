using System.Runtime.CompilerServices;
using CapOS.Kernel.NodeTree;

namespace CapOS.Kernel.ObjectCache;

/// <summary>
/// Per-object primitives of the structural consistency check, cut to what the snapshot pause can afford
/// (docs/checkpoint.md "Consistency check"; the loop is Checkpoint.ConsistencyCheck).
/// </summary>
/// <remarks>
/// Theory of operation. The check visits every cached object inside the pause, so each primitive
/// avoids re-deriving what the table already says: a header's ring-head reference is the table's
/// reference plus 3 per index (headers are 48 bytes, references count 16-byte units), so an empty ring
/// (the common case) is recognized with two compares and no address translation; a node's slots are
/// read once for both the prepared-key check (C4) and the defined-type check (C5). Enumeration reads the
/// bitmaps a word at a time (<see cref="UsedWord"/>, <see cref="DirtyWord"/>; I11).
/// Each primitive answers exactly what the general routine it shortcuts answers (<see cref="Lookup"/>,
/// <see cref="CheckObjectRings"/>, KeyTypes.IsDefined): CacheKeysTests.FastCheckPrimitivesAgreeWithTheGeneralOnes.
/// </remarks>
public static unsafe partial class Cache
{
    private const uint ReferencesPerHeader = ObjectHeader.Size / 16;

    private static uint s_headerReference;

    /// <summary>Words in each frame bitmap (64 frames per word).</summary>
    public static uint BitmapWords => s_bitWords;

    /// <summary>Word <paramref name="word"/> of the used map: bit b set iff header word * 64 + b holds an object.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ulong UsedWord(uint word) => s_usedBits[word];

    /// <summary>Word <paramref name="word"/> of the dirty map.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ulong DirtyWord(uint word) => s_dirtyBits[word];

    /// <summary>Header <paramref name="index"/> without a bounds check (the index comes from a bitmap).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ObjectHeader* HeaderAt(uint index) => &s_headers[index];

    /// <summary>C1 for one object: it has the kind of its frame and <see cref="Lookup"/> of its OID finds this header.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool HoldsOwnObject(ObjectHeader* frame)
    {
        ObType kind = frame->Index < s_pageFrames ? ObType.Page : ObType.Node;
        if (frame->ObType != kind)
        {
            return false;
        }

        Oid oid = frame->Oid;
        uint link = s_buckets[Hash(oid)];
        while (link != 0)
        {
            ObjectHeader* header = &s_headers[link - 1];
            if (header->Oid == oid)
            {
                return header == frame;
            }

            link = header->HashNext;
        }

        return false;
    }

    /// <summary>Ring violations of one object (I4, K4, K6; 0 = sound): an empty ring costs two compares.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static uint CheckRingQuick(ObjectHeader* frame)
    {
        uint head = s_headerReference + (frame->Index * ReferencesPerHeader);
        if (frame->KeyRing.Next == head && frame->KeyRing.Prev == head)
        {
            return 0;
        }

        return CheckRing(frame);
    }

    /// <summary>
    /// One pass over a node's slots: returns the prepared keys that do not name a cached object of their
    /// target type (C4, as <see cref="CheckObjectRings"/> counts them) and sets <paramref name="illegalType"/>
    /// when a slot holds an undefined key type (C5).
    /// </summary>
    public static uint CheckNodeSlots(ObjectHeader* frame, out bool illegalType)
    {
        Key* slots = Node.Slot(NodeBody(frame), 0);
        uint violations = 0;
        bool illegal = false;
        for (int s = 0; s < Node.SlotCount; s++)
        {
            Key* key = slots + s;
            if (*(ushort*)((byte*)key + Key.TypeOffset) == 0)
            {
                continue; // a void key with no flags: defined and not prepared
            }

            KeyType type = key->Type;
            illegal |= !KeyTypes.IsDefined(type);
            if (key->IsPrepared)
            {
                ObjectHeader* target = (ObjectHeader*)KernelReference.ToPointer(key->ObjectReference);
                bool sound = KeyTypes.IsObject(type) && target != null && target->ObType == KeyTypes.TargetType(type);
                violations += sound ? 0u : 1u;
            }
        }

        illegalType = illegal;
        return violations;
    }
}
