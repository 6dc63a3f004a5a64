using CapOS.Kernel.Checkpoint;
using CapOS.Kernel.Diagnostics;
using CapOS.Kernel.DiskFormat;
using CapOS.Kernel.NodeTree;
using CapOS.Kernel.ObjectCache;

namespace CapOS.Kernel.Testing.Mutator;

/// <summary>
/// The in-kernel mutator: a workload over the objects of system/plug.sys whose every step is one
/// atomic kernel operation, whose invariant is checked after every recovery, and whose whole structure
/// is digested at every snapshot and after recovery (docs/mutator.md). Removable when real processes arrive.
/// </summary>
/// <remarks>
/// Structure (root = the node range's first OID; docs/mutator.md "Definitions"): root slot 0 the counter
/// page, 1 ring0, 4 the holder, 5..7 page directories (32 data pages each), 8..10 leaf directories (32
/// leaves each). Counter page (u64 words): S, then T[i] per data page (the step that last wrote it, bit 63
/// when that write zeroed it), L[j] per leaf (the step that last wrote it), R[v] per victim (rescinds).
/// Ring: 8 nodes, slot 0 = the next, slot 1 = a number key holding S. A leaf's slot 0 holds L[j].
/// Holder slot 2v: the key to victim v's current incarnation; slot 2v+1: the key to the previous one.
/// A step: every object it changes is first dirtied (MarkDirty; a refusal or a fault changes nothing
/// and the step is retried later), then S+1 is written into the ring, two data pages and one leaf are
/// rewritten and, every <see cref="RescindEvery"/> steps, one victim is rescinded (Cache.Rescind).
/// Invariants I1-I4 (<see cref="Verify"/>, Workload.Verify.cs) and the digest (Workload.Digest.cs).
/// I5: at most <see cref="DirtyBudget"/> objects are dirty when a step starts, so that with a small cache
/// a snapshot (its objects pending) still leaves frames to evict, and the digest walk can fault the rest.
/// </remarks>
public static unsafe partial class Workload
{
    public const int RingLength = 8;
    public const int CounterSlot = 0;
    public const int RingSlot = 1;
    public const int HolderSlot = 4;
    public const int FirstPageDirectorySlot = 5;
    public const int PageDirectories = 3;
    public const int FirstLeafDirectorySlot = 8;
    public const int LeafDirectories = 3;
    public const int DataPages = PageDirectories * Node.SlotCount;
    public const int Leaves = LeafDirectories * Node.SlotCount;

    /// <summary>Rescindable objects: victims 0..3 are pages, 4..7 nodes.</summary>
    public const int Victims = 8;
    public const int PageVictims = 4;
    public const int PagesPerStep = 2;

    /// <summary>One step in this many rescinds a victim.</summary>
    public const int RescindEvery = 4;

    /// <summary>Counter-page word indexes.</summary>
    public const int FirstPageWord = 1;
    public const int FirstLeafWord = FirstPageWord + DataPages;
    public const int FirstVictimWord = FirstLeafWord + Leaves;
    public const int CounterWords = FirstVictimWord + Victims;

    /// <summary>Objects a step may dirty: counter, ring, pages, a leaf, the holder and a victim.</summary>
    private const int StepObjects = 1 + RingLength + PagesPerStep + 1 + 2;
    private const ulong ZeroFlag = 1UL << 63;

    private static Oid s_root;
    private static ulong s_step;
    private static bool s_running;

    /// <summary>The step S (valid once started).</summary>
    public static ulong Step => s_step;

    /// <summary>True once verified and running.</summary>
    public static bool Running => s_running;

    /// <summary>
    /// Dirty objects allowed when a step starts (I5): half the smaller frame pool less a step, so that
    /// pending (at most the budget) plus dirty (at most the budget plus a step) leave frames to fault into.
    /// </summary>
    public static uint DirtyBudget
    {
        get
        {
            uint half = System.Math.Min(Cache.PageFrameCount, Cache.NodeFrameCount) / 2;
            return half > StepObjects ? half - StepObjects : 0;
        }
    }

    /// <summary>
    /// Finds the root, verifies the invariant, digests the recovered structure and prints the recovery
    /// line (K2); true when the invariant holds. From then on every snapshot prints the mutator's line (K1).
    /// </summary>
    public static bool Start(VolumeHeader* volume, ulong recoveredSequence)
    {
        s_running = false;
        s_root = RootOf(volume);
        ulong step = 0;
        int broken = Verify(ref step);
        ulong digest = 0;
        CacheResult fault = broken == 0 ? Digest(out digest) : CacheResult.Ok;
        if (broken != 0 || fault != CacheResult.Ok)
        {
            Log.Write("mutator: invariant broken: ");
            Log.WriteLine(broken != 0 ? Describe(broken) : "digest walk: object fault");
            return false;
        }

        s_step = step;
        Log.Write("mutator: recovered seq=");
        Log.WriteDecimal(recoveredSequence);
        WriteState(step, digest);
        Log.WriteLine(" invariant=ok");
        s_running = true;
        Checkpointer.SetSnapshotObserver(&OnSnapshot);
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

    /// <summary>Runs up to <paramref name="steps"/> steps; returns how many were done (fewer: a reservation, fault or the budget said wait).</summary>
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
        if (Cache.DirtyCount > DirtyBudget)
        {
            Checkpointer.Request(CheckpointReason.CacheFull);
            return false;
        }

        StepPlan steps;
        StepPlan* plan = &steps;
        ulong next = s_step + 1;
        Plan(next, plan);
        if (!Collect(plan))
        {
            return false;
        }

        ulong* counter = (ulong*)Cache.PageData(plan->Counter);
        for (int r = 0; r < RingLength; r++)
        {
            SetNumber((ObjectHeader*)plan->Ring[r], 1, next);
        }

        for (int p = 0; p < PagesPerStep; p++)
        {
            bool zero = Mix((next * 31) + (ulong)p) % 8 == 0;
            Fill((ObjectHeader*)plan->Pages[p], zero ? 0 : next);
            counter[FirstPageWord + plan->PageIndex[p]] = zero ? next | ZeroFlag : next;
        }

        SetNumber(plan->Leaf, 0, next);
        counter[FirstLeafWord + plan->LeafIndex] = next;
        if (plan->Victim >= 0)
        {
            counter[FirstVictimWord + plan->Victim] = Rescind(plan);
        }

        counter[0] = next;
        s_step = next;
        return true;
    }

    /// <summary>Which objects step <paramref name="next"/> changes (a fixed pseudo-random function of the step).</summary>
    private static void Plan(ulong next, StepPlan* plan)
    {
        plan->PageIndex[0] = (int)(Mix(next * 7) % DataPages);
        plan->PageIndex[1] = (int)((plan->PageIndex[0] + 1 + (int)(Mix((next * 7) + 1) % (DataPages - 1))) % DataPages);
        plan->LeafIndex = (int)(Mix(next * 13) % Leaves);
        plan->Victim = next % RescindEvery == 0 ? (int)(Mix(next * 5) % Victims) : -1;
    }

    /// <summary>Gets and dirties every object of the plan (a dirty object is never evicted, so the pointers stay good).</summary>
    private static bool Collect(StepPlan* plan)
    {
        if (!Dirty(ObType.Page, ChildOid(s_root, CounterSlot), out plan->Counter))
        {
            return false;
        }

        Oid ring = ChildOid(s_root, RingSlot);
        for (int r = 0; r < RingLength; r++)
        {
            if (!Dirty(ObType.Node, ring, out ObjectHeader* node))
            {
                return false;
            }

            plan->Ring[r] = (ulong)node;
            ring = SlotOid(Cache.NodeBody(node), 0);
        }

        for (int p = 0; p < PagesPerStep; p++)
        {
            if (!Dirty(ObType.Page, DataPageOid(plan->PageIndex[p]), out ObjectHeader* page))
            {
                return false;
            }

            plan->Pages[p] = (ulong)page;
        }

        if (!Dirty(ObType.Node, LeafOid(plan->LeafIndex), out plan->Leaf))
        {
            return false;
        }

        if (plan->Victim < 0)
        {
            return true;
        }

        if (!Dirty(ObType.Node, ChildOid(s_root, HolderSlot), out plan->Holder))
        {
            return false;
        }

        Oid victim = SlotOid(Cache.NodeBody(plan->Holder), 2 * plan->Victim);
        return Dirty(plan->Victim < PageVictims ? ObType.Page : ObType.Node, victim, out plan->VictimFrame);
    }

    /// <summary>
    /// Rescinds the plan's victim (I4): its AllocCount goes up (Cache.Rescind unprepares the keys to the old
    /// incarnation first), the holder keeps the old key beside the new one, the new incarnation gets its
    /// content. Returns the victim's rescind count R.
    /// </summary>
    private static ulong Rescind(StepPlan* plan)
    {
        ObjectHeader* victim = plan->VictimFrame;
        Node* holder = Cache.NodeBody(plan->Holder);
        Panic.Assert(Cache.Rescind(victim), "mutator: rescind of a clean object");
        Key* current = Node.Slot(holder, 2 * plan->Victim);
        Key* old = Node.Slot(holder, (2 * plan->Victim) + 1);
        Cache.UnprepareKey(old);
        Cache.UnprepareKey(current);
        *old = *current;
        KeyType type = victim->ObType == ObType.Page ? KeyType.Page : KeyType.Node;
        *current = Key.Object(type, victim->Oid, victim->AllocCount, KeyRights.None, 0);
        ulong rescinds = victim->AllocCount;
        if (type == KeyType.Page)
        {
            Fill(victim, rescinds);
        }
        else
        {
            SetNumber(victim, 0, rescinds);
        }

        return rescinds;
    }

    /// <summary>Gets an object and dirties it.</summary>
    private static bool Dirty(ObType type, Oid oid, out ObjectHeader* frame)
    {
        if (Cache.Get(type, oid, out frame) != CacheResult.Ok)
        {
            return false;
        }

        return Cache.MarkDirty(frame);
    }

    /// <summary>The OID named by slot <paramref name="slot"/> of node <paramref name="parent"/> (default when it cannot be read).</summary>
    private static Oid ChildOid(Oid parent, int slot) =>
        Cache.GetNode(parent, out ObjectHeader* node) == CacheResult.Ok ? SlotOid(Cache.NodeBody(node), slot) : default;

    private static Oid DataPageOid(int index) =>
        ChildOid(ChildOid(s_root, FirstPageDirectorySlot + (index / Node.SlotCount)), index % Node.SlotCount);

    private static Oid LeafOid(int index) =>
        ChildOid(ChildOid(s_root, FirstLeafDirectorySlot + (index / Node.SlotCount)), index % Node.SlotCount);

    /// <summary>Writes a number key holding <paramref name="value"/> into a node the caller dirtied.</summary>
    private static void SetNumber(ObjectHeader* frame, int slot, ulong value)
    {
        Key* key = Node.Slot(Cache.NodeBody(frame), slot);
        Cache.UnprepareKey(key);
        *key = Key.Number((uint)value, (uint)(value >> 32), 0);
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

    /// <summary>The objects of one step, gathered (and dirtied) before anything changes.</summary>
    private struct StepPlan
    {
        public ObjectHeader* Counter;
        public fixed ulong Ring[RingLength];
        public fixed ulong Pages[PagesPerStep];
        public fixed int PageIndex[PagesPerStep];
        public ObjectHeader* Leaf;
        public int LeafIndex;
        public int Victim;
        public ObjectHeader* Holder;
        public ObjectHeader* VictimFrame;
    }
}
