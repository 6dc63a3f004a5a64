using CapOS.Kernel.Diagnostics;
using CapOS.Kernel.DiskFormat;
using CapOS.Kernel.NodeTree;
using CapOS.Kernel.ObjectCache;

namespace CapOS.Kernel.Mutator;

/// <summary>
/// The in-kernel mutator: a workload over the objects of system/plug.sys whose every step is one
/// atomic kernel operation, and whose invariant is checked after every recovery (docs/mutator.md).
/// Removable when real processes arrive.
/// </summary>
/// <remarks>
/// Structure (root = the node range's first OID): root slot 0 = the counter page, slot 1 = ring0,
/// slots 4..31 = data pages d0..d27. Counter page: u64 step S at byte 0, then u64 T[i] per data page:
/// the step that last wrote it, bit 63 set when that write zeroed it (0: never written: zero page).
/// Ring: 8 nodes, slot 0 = the next (ring7 -> ring0), slot 1 = a number key holding S.
/// Data page i: zero if T[i] is 0 or has bit 63, else every u64 word j = Pattern(oid, T[i], j).
/// A step: every object it changes is first dirtied (MarkDirty; a refusal or a fault changes nothing
/// and the step is retried later), then S+1 is written everywhere and two pseudo-randomly chosen
/// data pages are rewritten (one in eight zeroed).
/// I1 (the invariant): ring closed after 8 nodes, every ring number = S, every T[i] &lt;= S, every data
/// page as T[i] says. Checked after recovery (<see cref="Verify"/>); WorkloadTests cut the power at
/// every disk write and check it.
/// </remarks>
public static unsafe class Workload
{
    public const int RingLength = 8;
    public const int FirstDataSlot = 4;
    public const int DataPages = Node.SlotCount - FirstDataSlot;
    public const int PagesPerStep = 2;
    private const ulong ZeroFlag = 1UL << 63;

    private static Oid s_root;
    private static ulong s_step;
    private static bool s_running;

    /// <summary>The step S (valid once started).</summary>
    public static ulong Step => s_step;

    /// <summary>True once verified and running.</summary>
    public static bool Running => s_running;

    /// <summary>Finds the root, verifies the invariant and prints the recovery line; true when it holds.</summary>
    public static bool Start(VolumeHeader* volume, ulong recoveredSequence)
    {
        s_running = false;
        s_root = RootOf(volume);
        ulong step = 0;
        int broken = Verify(ref step);
        if (broken != 0)
        {
            Log.Write("mutator: invariant broken: ");
            Log.WriteLine(Describe(broken));
            return false;
        }

        s_step = step;
        Log.Write("mutator: recovered seq=");
        Log.WriteDecimal(recoveredSequence);
        Log.Write(" step=");
        Log.WriteDecimal(step);
        Log.WriteLine(" invariant=ok");
        s_running = true;
        return true;
    }

    /// <summary>The workload's root: the first OID of the volume's node range (imagegen I2).</summary>
    public static Oid RootOf(VolumeHeader* volume)
    {
        for (int i = 0; i < (int)volume->RangeCount; i++)
        {
            RangeDescriptor* range = VolumeHeader.Range(volume, i);
            if (range->Kind == RangeKind.NodeRange)
            {
                return range->FirstOid;
            }
        }

        return default;
    }

    /// <summary>Runs up to <paramref name="steps"/> steps; returns how many were done (fewer: a reservation or fault said wait).</summary>
    public static int RunSteps(int steps)
    {
        int done = 0;
        while (s_running && done < steps && TryStep())
        {
            done++;
        }

        return done;
    }

    /// <summary>One atomic step: dirty everything it will change, then change it. False: nothing changed.</summary>
    public static bool TryStep()
    {
        ObjectHeader** frames = stackalloc ObjectHeader*[1 + RingLength + PagesPerStep];
        int* chosen = stackalloc int[PagesPerStep];
        ulong next = s_step + 1;
        if (!Collect(next, frames, chosen))
        {
            return false;
        }

        ulong* counter = (ulong*)Cache.PageData(frames[0]);
        for (int r = 0; r < RingLength; r++)
        {
            Key* number = Node.Slot(Cache.NodeBody(frames[1 + r]), 1);
            *number = Key.Number((uint)next, (uint)(next >> 32), 0);
        }

        for (int p = 0; p < PagesPerStep; p++)
        {
            ObjectHeader* page = frames[1 + RingLength + p];
            bool zero = Mix(next * 31 + (ulong)p) % 8 == 0;
            Fill(page, zero ? 0 : next);
            counter[1 + chosen[p]] = zero ? next | ZeroFlag : next;
        }

        counter[0] = next;
        s_step = next;
        return true;
    }

    private static bool Collect(ulong next, ObjectHeader** frames, int* chosen)
    {
        Oid* oids = stackalloc Oid[1 + RingLength + PagesPerStep];
        if (Cache.GetNode(s_root, out ObjectHeader* root) != CacheResult.Ok)
        {
            return false;
        }

        Node* body = Cache.NodeBody(root);
        oids[0] = SlotOid(body, 0);
        oids[1] = SlotOid(body, 1);
        for (int p = 0; p < PagesPerStep; p++)
        {
            chosen[p] = (int)((Mix((next * 7) + (ulong)p) % DataPages + (ulong)p) % DataPages);
            oids[1 + RingLength + p] = SlotOid(body, FirstDataSlot + chosen[p]);
        }

        if (chosen[0] == chosen[1 % PagesPerStep] && PagesPerStep > 1)
        {
            chosen[1] = (chosen[1] + 1) % DataPages;
            oids[1 + RingLength + 1] = SlotOid(body, FirstDataSlot + chosen[1]);
        }

        if (!Dirty(ObType.Page, oids[0], out frames[0]))
        {
            return false;
        }

        for (int r = 0; r < RingLength; r++)
        {
            if (!Dirty(ObType.Node, r == 0 ? oids[1] : SlotOid(Cache.NodeBody(frames[r]), 0), out frames[1 + r]))
            {
                return false;
            }
        }

        for (int p = 0; p < PagesPerStep; p++)
        {
            if (!Dirty(ObType.Page, oids[1 + RingLength + p], out frames[1 + RingLength + p]))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Gets an object and dirties it (a dirty object is never evicted, so the pointer stays good).</summary>
    private static bool Dirty(ObType type, Oid oid, out ObjectHeader* frame)
    {
        if (Cache.Get(type, oid, out frame) != CacheResult.Ok)
        {
            return false;
        }

        return Cache.MarkDirty(frame);
    }

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
        _ => "ok",
    };

    /// <summary>Checks I1 over the whole structure; 0 when it holds, else a code (<see cref="Describe"/>). <paramref name="step"/> = S.</summary>
    public static int Verify(ref ulong step)
    {
        if (Cache.GetNode(s_root, out ObjectHeader* root) != CacheResult.Ok)
        {
            return 1;
        }

        Oid* oids = stackalloc Oid[Node.SlotCount];
        for (int i = 0; i < Node.SlotCount; i++)
        {
            oids[i] = SlotOid(Cache.NodeBody(root), i);
        }

        if (Cache.GetPage(oids[0], out ObjectHeader* counterFrame) != CacheResult.Ok)
        {
            return 2;
        }

        ulong* table = stackalloc ulong[1 + DataPages];
        ulong* counter = (ulong*)Cache.PageData(counterFrame);
        for (int i = 0; i <= DataPages; i++)
        {
            table[i] = counter[i];
        }

        step = table[0];
        int broken = VerifyRing(oids[1], step);
        for (int i = 0; i < DataPages && broken == 0; i++)
        {
            broken = VerifyPage(oids[FirstDataSlot + i], table[1 + i], step);
        }

        return broken;
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

            Key* number = Node.Slot(Cache.NodeBody(node), 1);
            ulong value = step == 0 ? 0 : ((ulong)number->Word(1) << 32) | number->Word(0);
            if ((step != 0 && number->Type != KeyType.Number) || value != step)
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
        ulong* words = (ulong*)Cache.PageData(frame);
        for (int j = 0; j < DiskLayout.PageSize / 8; j++)
        {
            if (words[j] != (stamp == 0 ? 0 : Pattern(oid, stamp, j)))
            {
                return 8;
            }
        }

        return 0;
    }

    private static void Fill(ObjectHeader* frame, ulong stamp)
    {
        ulong* words = (ulong*)Cache.PageData(frame);
        for (int j = 0; j < DiskLayout.PageSize / 8; j++)
        {
            words[j] = stamp == 0 ? 0 : Pattern(frame->Oid, stamp, j);
        }
    }

    private static ulong Pattern(Oid oid, ulong stamp, int word) =>
        (oid.Value * 0x9E3779B97F4A7C15UL) ^ (stamp * 0xD6E8FEB86659FD93UL) ^ (ulong)word;

    private static Oid SlotOid(Node* body, int slot)
    {
        Key disk;
        Cache.DiskForm(Node.Slot(body, slot), &disk);
        return disk.Oid;
    }

    /// <summary>SplitMix64's finalizer: a fixed pseudo-random function of the step.</summary>
    private static ulong Mix(ulong x)
    {
        x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9UL;
        x = (x ^ (x >> 27)) * 0x94D049BB133111EBUL;
        return x ^ (x >> 31);
    }
}
