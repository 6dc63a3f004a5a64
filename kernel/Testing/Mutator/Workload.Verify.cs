using CapOS.Kernel.DiskFormat;
using CapOS.Kernel.NodeTree;
using CapOS.Kernel.ObjectCache;

namespace CapOS.Kernel.Testing.Mutator;

/// <summary>
/// The mutator's invariant, checked after every recovery over the recovered objects (docs/mutator.md
/// "Invariants"). Nothing is held across an object fault but pinned nodes and copied OIDs: the structure
/// is larger than a small cache, so the check itself evicts and faults objects back.
/// I1: the ring closes after 8 nodes and every ring number = S.
/// I2: every T[i] &lt;= S and data page i is zero when T[i] is 0 or has bit 63, else the pattern of T[i].
/// I3: every L[j] &lt;= S and leaf j's slot 0 holds L[j] (void when 0): nodes written one at a time keep
/// their untouched pot neighbours' values.
/// I4: victim v's AllocCount = R[v] &lt;= S; the holder's current key to it is valid (Cache.PrepareKey
/// designates it) and the key to the previous incarnation (count R[v] - 1) reads void; the victim's
/// content is that of incarnation R[v].
/// Tests: WorkloadTests (BrokenStructureIsReported, ARescindedKeyThatIsNotVoidIsReported, the crash tests).
/// </summary>
public static unsafe partial class Workload
{
    /// <summary>What a <see cref="Verify"/> code means.</summary>
    public static string Describe(int code) => code switch
    {
        1 => "root node not readable",
        2 => "counter page not readable",
        3 => "ring node not readable",
        4 => "ring number differs from the step",
        5 => "ring not closed after 8 nodes",
        6 => "data page written after the step",
        7 => "data page not readable",
        8 => "data page content differs from its table entry",
        9 => "directory node not readable",
        10 => "leaf not readable",
        11 => "leaf number differs from its table entry",
        12 => "holder not readable",
        13 => "victim not readable",
        14 => "victim AllocCount differs from its rescind count",
        15 => "key to a victim's current incarnation is not valid",
        16 => "key to a rescinded incarnation is not void",
        17 => "victim content differs from its incarnation",
        _ => "ok",
    };

    /// <summary>Checks I1-I4 over the whole structure; 0 when they hold, else a code (<see cref="Describe"/>). <paramref name="step"/> = S.</summary>
    public static int Verify(ref ulong step)
    {
        Oid* slots = stackalloc Oid[Node.SlotCount];
        if (!ReadSlots(s_root, slots))
        {
            return 1;
        }

        if (Cache.GetPage(slots[CounterSlot], out ObjectHeader* counterFrame) != CacheResult.Ok)
        {
            return 2;
        }

        ulong* table = stackalloc ulong[CounterWords];
        ulong* counter = (ulong*)Cache.PageData(counterFrame);
        for (int i = 0; i < CounterWords; i++)
        {
            table[i] = counter[i];
        }

        step = table[0];
        int broken = VerifyRing(slots[RingSlot], step);
        Oid* children = stackalloc Oid[Node.SlotCount];
        for (int d = 0; d < PageDirectories && broken == 0; d++)
        {
            broken = ReadSlots(slots[FirstPageDirectorySlot + d], children) ? 0 : 9;
            for (int i = 0; i < Node.SlotCount && broken == 0; i++)
            {
                broken = VerifyPage(children[i], table[FirstPageWord + (d * Node.SlotCount) + i], step);
            }
        }

        for (int d = 0; d < LeafDirectories && broken == 0; d++)
        {
            broken = ReadSlots(slots[FirstLeafDirectorySlot + d], children) ? 0 : 9;
            for (int i = 0; i < Node.SlotCount && broken == 0; i++)
            {
                broken = VerifyLeaf(children[i], table[FirstLeafWord + (d * Node.SlotCount) + i], step);
            }
        }

        return broken != 0 ? broken : VerifyVictims(slots[HolderSlot], table + FirstVictimWord, step);
    }

    /// <summary>Copies the OIDs named by node <paramref name="oid"/>'s slots (disk form); false when it cannot be read.</summary>
    private static bool ReadSlots(Oid oid, Oid* slots)
    {
        if (Cache.GetNode(oid, out ObjectHeader* node) != CacheResult.Ok)
        {
            return false;
        }

        for (int i = 0; i < Node.SlotCount; i++)
        {
            slots[i] = SlotOid(Cache.NodeBody(node), i);
        }

        return true;
    }

    private static ulong NumberIn(Node* body, int slot)
    {
        Key* key = Node.Slot(body, slot);
        return key->Type == KeyType.Number ? ((ulong)key->Word(1) << 32) | key->Word(0) : 0;
    }

    /// <summary>True when slot <paramref name="slot"/> holds <paramref name="value"/>: a number key, or void for 0.</summary>
    private static bool HoldsNumber(Node* body, int slot, ulong value)
    {
        Key* key = Node.Slot(body, slot);
        return value == 0 ? key->Type == KeyType.Void || (key->Type == KeyType.Number && NumberIn(body, slot) == 0)
            : key->Type == KeyType.Number && NumberIn(body, slot) == value;
    }

    private static int VerifyRing(Oid first, ulong step)
    {
        Oid oid = first;
        for (int r = 0; r < RingLength; r++)
        {
            if (Cache.GetNode(oid, out ObjectHeader* node) != CacheResult.Ok)
            {
                return 3;
            }

            if (!HoldsNumber(Cache.NodeBody(node), 1, step))
            {
                return 4;
            }

            oid = SlotOid(Cache.NodeBody(node), 0);
        }

        return oid == first ? 0 : 5;
    }

    private static int VerifyPage(Oid oid, ulong written, ulong step)
    {
        if ((written & ~ZeroFlag) > step)
        {
            return 6;
        }

        if (Cache.GetPage(oid, out ObjectHeader* frame) != CacheResult.Ok)
        {
            return 7;
        }

        ulong stamp = written == 0 || (written & ZeroFlag) != 0 ? 0 : written;
        return HasPattern(frame, stamp) ? 0 : 8;
    }

    private static bool HasPattern(ObjectHeader* frame, ulong stamp)
    {
        ulong* words = (ulong*)Cache.PageData(frame);
        for (int j = 0; j < DiskLayout.PageSize / 8; j++)
        {
            if (words[j] != (stamp == 0 ? 0 : Pattern(frame->Oid, stamp, j)))
            {
                return false;
            }
        }

        return true;
    }

    private static int VerifyLeaf(Oid oid, ulong written, ulong step)
    {
        if (Cache.GetNode(oid, out ObjectHeader* leaf) != CacheResult.Ok)
        {
            return 10;
        }

        return written <= step && HoldsNumber(Cache.NodeBody(leaf), 0, written) ? 0 : 11;
    }

    /// <summary>I4 for every victim; the holder is pinned while its keys are prepared (each preparation may fault).</summary>
    private static int VerifyVictims(Oid holderOid, ulong* rescinds, ulong step)
    {
        if (Cache.GetNode(holderOid, out ObjectHeader* holder) != CacheResult.Ok)
        {
            return 12;
        }

        Cache.Pin(holder);
        int broken = 0;
        for (int v = 0; v < Victims && broken == 0; v++)
        {
            broken = VerifyVictim(Cache.NodeBody(holder), v, rescinds[v], step);
        }

        Cache.Unpin(holder);
        return broken;
    }

    private static int VerifyVictim(Node* holder, int v, ulong rescinds, ulong step)
    {
        Key* current = Node.Slot(holder, 2 * v);
        Key* old = Node.Slot(holder, (2 * v) + 1);
        Oid oid = SlotOid(holder, 2 * v);
        ObType type = v < PageVictims ? ObType.Page : ObType.Node;
        if (Cache.Get(type, oid, out ObjectHeader* victim) != CacheResult.Ok)
        {
            return 13;
        }

        if (victim->AllocCount != rescinds || rescinds > step)
        {
            return 14;
        }

        if (Cache.PrepareKey(current, out ObjectHeader* target) != CacheResult.Ok || target == null || target->Oid != oid)
        {
            return 15;
        }

        Key disk;
        Cache.DiskForm(old, &disk);
        bool stale = rescinds == 0 ? disk.Type == KeyType.Void
            : disk.Oid == oid && disk.AllocCount == rescinds - 1 && Cache.PrepareKey(old, out ObjectHeader* oldTarget) == CacheResult.Ok && oldTarget == null;
        if (!stale)
        {
            return 16;
        }

        bool content = type == ObType.Page ? HasPattern(target, rescinds) : HoldsNumber(Cache.NodeBody(target), 0, rescinds);
        return content ? 0 : 17;
    }
}
