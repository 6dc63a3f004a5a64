using CapOS.Kernel.DiskFormat;
using CapOS.Kernel.NodeTree;
using CapOS.Kernel.ObjectCache;

namespace CapOS.Kernel.Checkpoint;

/// <summary>
/// Log and directory space reserved before an object is first dirtied in a generation, charged per
/// node pot and per page cluster (EROS reserves before dirtying; docs/checkpoint.md "Reservation").
/// </summary>
/// <remarks>
/// Costs (what the snapshot will hand the writer): a node pot 1 log page + 7 entries, once per
/// generation whatever number of its nodes are dirtied; a page 1 log page + 1 entry (a zero page will
/// use only its entry, so this over-reserves); its cluster's tag pot 1 page + 1 entry once.
/// The charged keys of the generation are kept in a set: a node pot as its first OID | NodeTag, a
/// cluster as its first OID | ClusterTag, a page as its OID.
/// I1: every dirty object is charged in the current generation (its page, or its pot, and its
/// cluster): checked by ConsistencyCheck (C3), ConsistencyCheckTests.UnreservedDirtyObjectIsNamed.
/// I2: charged pots &lt;= PotCapacity and charged pages &lt;= PageCapacity (the snapshot's tables),
/// except after Reinstate. A refusal asks for a checkpoint (CheckpointReason.LogFull); crossing the
/// threshold asks too (CheckpointReason.Threshold).
/// I3: ordinary charges leave room for the write-back of every loaded process (<see cref="TryAddWriteBackHeadroom"/>:
/// its root's node pot, its annex page and the annex's cluster; LogSpace I2), so the snapshot can always
/// capture every process (docs/process.md "Write-back"; ReservationTests).
/// I4: the snapshot's pause clears no table: CloseGeneration swaps two charge sets; the closed one answers
/// <see cref="WasCharged"/> (C3 of the objects being recorded) and is cleared after the record walk
/// (<see cref="ClearClosed"/>), before it serves a new generation (ReservationSwapTests).
/// </remarks>
public static unsafe class Reservation
{
    private const ulong NodeTag = 1UL << 63;
    private const ulong ClusterTag = 1UL << 62;

    private static OidSet s_charged;
    private static OidSet s_closed;
    private static ulong* s_memory;
    private static ulong* s_spare;
    private static uint s_spareCleared;
    private static uint s_slots;
    private static uint s_potCapacity;
    private static uint s_pageCapacity;
    private static uint s_pots;
    private static uint s_pages;
    private static bool s_active;
    private static uint s_headroomProcesses;

    /// <summary>Log pages one process's write-back may need: its root's node pot, its annex page, the annex's tag pot.</summary>
    public const uint WriteBackLogPages = 3;

    /// <summary>Directory entries one process's write-back may need: a node pot's, the annex page's, its tag pot's.</summary>
    public const uint WriteBackEntries = NodePot.NodeCapacity + 2;

    /// <summary>Processes whose write-back room is kept (I3).</summary>
    public static uint HeadroomProcesses => s_headroomProcesses;

    /// <summary>
    /// Keeps room for one more loaded process's write-back (I3); false, changing nothing, when the generation's
    /// charges leave none. Always true when not active.
    /// </summary>
    public static bool TryAddWriteBackHeadroom()
    {
        if (!s_active)
        {
            return true;
        }

        uint processes = s_headroomProcesses + 1;
        if (s_pots + (2 * processes) > s_potCapacity || s_pages + processes > s_pageCapacity
            || !LogSpace.TryAddHeadroom(WriteBackLogPages, WriteBackEntries))
        {
            return false;
        }

        s_headroomProcesses = processes;
        return true;
    }

    /// <summary>Gives back one process's write-back room (the process is unloaded).</summary>
    public static void RemoveWriteBackHeadroom()
    {
        if (s_active && s_headroomProcesses != 0)
        {
            s_headroomProcesses--;
            LogSpace.RemoveHeadroom(WriteBackLogPages, WriteBackEntries);
        }
    }

    /// <summary>True once <see cref="Initialize"/> ran: the cache's TryReserve goes through here.</summary>
    public static bool Active => s_active;

    /// <summary>Node pots plus clusters charged in this generation.</summary>
    public static uint Pots => s_pots;

    /// <summary>Pages charged in this generation.</summary>
    public static uint Pages => s_pages;

    /// <summary>Bytes <see cref="Initialize"/> needs for tables of <paramref name="pots"/> pots and <paramref name="pages"/> pages.</summary>
    public static ulong RequiredBytes(uint pots, uint pages) => 2 * SlotsFor(pots + pages) * 8UL;

    /// <summary>Starts charging, in <paramref name="memory"/> (<see cref="RequiredBytes"/>), with the snapshot's table sizes.</summary>
    public static void Initialize(byte* memory, uint potCapacity, uint pageCapacity)
    {
        s_memory = (ulong*)memory;
        s_slots = SlotsFor(potCapacity + pageCapacity);
        s_spare = s_memory + s_slots;
        s_charged.Initialize(s_memory, s_slots);
        s_closed.Initialize(s_spare, s_slots);
        s_spareCleared = s_slots;
        s_potCapacity = potCapacity;
        s_pageCapacity = pageCapacity;
        s_headroomProcesses = 0;
        s_active = true;
        CloseGeneration();
    }

    /// <summary>Stops charging (tests that use the cache alone).</summary>
    public static void Deactivate() => s_active = false;

    /// <summary>
    /// The snapshot: the charges pass to the checkpoint being taken (kept, for <see cref="WasCharged"/>,
    /// until <see cref="ClearClosed"/>); the next generation starts empty in the other set, cleared after the
    /// last snapshot (I4: nothing of the size of the tables is cleared in the pause).
    /// </summary>
    public static void CloseGeneration()
    {
        ClearClosed(uint.MaxValue); // normally done long ago (the spare is cleared while the last checkpoint was written)
        OidSet closed = s_charged;
        s_charged.Adopt(s_spare, s_slots);
        s_spare = closed.Memory;
        s_closed = closed;
        s_spareCleared = 0;
        s_pots = 0;
        s_pages = 0;
        LogSpace.CloseGeneration();
    }

    /// <summary>
    /// Clears up to <paramref name="slots"/> more slots of the closed generation's set, once the snapshot no longer
    /// needs it (its objects are recorded); true while some remain. The next CloseGeneration reuses the memory.
    /// </summary>
    public static bool ClearClosed(uint slots)
    {
        uint end = s_slots - s_spareCleared > slots ? s_spareCleared + slots : s_slots;
        for (uint i = s_spareCleared; i < end; i++)
        {
            s_spare[i] = 0;
        }

        s_spareCleared = end;
        return end < s_slots;
    }

    /// <summary>C3 for an object of the snapshot being recorded: true when it was charged in the closed generation.</summary>
    public static bool WasCharged(ObjectHeader* frame) => !s_active || IsIn(ref s_closed, frame);

    /// <summary>
    /// The cache, before <paramref name="frame"/> is first dirtied: charges what it costs, or refuses (and
    /// asks for a checkpoint) when the generation would not fit. Always true when not active.
    /// </summary>
    public static bool TryCharge(ObjectHeader* frame) => TryCharge(frame, useHeadroom: false);

    /// <summary>
    /// <see cref="TryCharge(ObjectHeader*)"/> for the process table's write-back, which may use the log
    /// headroom kept for it (LogSpace I2): refused only when even that does not fit.
    /// </summary>
    public static bool TryChargeWriteBack(ObjectHeader* frame) => TryCharge(frame, useHeadroom: true);

    private static bool TryCharge(ObjectHeader* frame, bool useHeadroom)
    {
        if (!s_active)
        {
            return true;
        }

        if (!Cost(frame, out ulong pot, out ulong page, out uint pages, out uint entries))
        {
            return true;
        }

        uint newPots = pot != 0 ? 1u : 0u;
        uint keptPots = useHeadroom ? 0 : 2 * s_headroomProcesses;
        uint keptPages = useHeadroom ? 0 : s_headroomProcesses;
        bool fits = s_pots + newPots + keptPots <= s_potCapacity && s_pages + (page != 0 ? 1u : 0u) + keptPages <= s_pageCapacity
            && s_charged.Count + 2 <= (s_slots / 4 * 3) && LogSpace.TryReserve(pages, entries, useHeadroom);
        if (!fits)
        {
            Checkpointer.Request(CheckpointReason.LogFull);
            return false;
        }

        Record(pot, page);
        if (LogSpace.ShouldForceCheckpoint())
        {
            Checkpointer.Request(CheckpointReason.Threshold);
        }

        return true;
    }

    /// <summary>A failed checkpoint's object is dirty again: charge it without the limit (LogSpace.Reinstate).</summary>
    public static void Reinstate(ObjectHeader* frame)
    {
        if (s_active && Cost(frame, out ulong pot, out ulong page, out uint pages, out uint entries))
        {
            LogSpace.Reinstate(pages, entries);
            Record(pot, page);
        }
    }

    /// <summary>I1 for one object: true when a dirty <paramref name="frame"/> is charged in this generation.</summary>
    public static bool IsCharged(ObjectHeader* frame)
    {
        if (!s_active)
        {
            return true;
        }

        return IsIn(ref s_charged, frame);
    }

    private static bool IsIn(ref OidSet set, ObjectHeader* frame)
    {
        if (!Locate(frame, out ObjectLocation location))
        {
            return false;
        }

        if (frame->ObType == ObType.Node)
        {
            return set.Contains(new Oid(location.PotFirstOid.Value | NodeTag));
        }

        return set.Contains(frame->Oid) && set.Contains(new Oid(location.PotFirstOid.Value | ClusterTag));
    }

    /// <summary>
    /// What dirtying <paramref name="frame"/> adds: the new pot or cluster key (0 if already charged), the
    /// page key (0 for a node or an already charged page), and the pages and entries. False: nothing new.
    /// </summary>
    private static bool Cost(ObjectHeader* frame, out ulong pot, out ulong page, out uint pages, out uint entries)
    {
        pot = 0;
        page = 0;
        pages = 0;
        entries = 0;
        if (!Locate(frame, out ObjectLocation location))
        {
            return false;
        }

        if (frame->ObType == ObType.Node)
        {
            pot = location.PotFirstOid.Value | NodeTag;
            if (s_charged.Contains(new Oid(pot)))
            {
                return false;
            }

            pages = 1;
            entries = NodePot.NodeCapacity;
            return true;
        }

        if (!s_charged.Contains(frame->Oid))
        {
            page = frame->Oid.Value;
            pages = 1;
            entries = 1;
        }

        ulong cluster = location.PotFirstOid.Value | ClusterTag;
        if (!s_charged.Contains(new Oid(cluster)))
        {
            pot = cluster;
            pages++;
            entries++;
        }

        return pages != 0;
    }

    private static void Record(ulong pot, ulong page)
    {
        if (pot != 0 && !s_charged.Contains(new Oid(pot)))
        {
            s_charged.Add(new Oid(pot));
            s_pots++;
        }

        if (page != 0 && !s_charged.Contains(new Oid(page)))
        {
            s_charged.Add(new Oid(page));
            s_pages++;
        }
    }

    private static bool Locate(ObjectHeader* frame, out ObjectLocation location)
    {
        RangeKind kind = frame->ObType == ObType.Node ? RangeKind.NodeRange : RangeKind.PageRange;
        return VolumeLayout.Locate(Generation.Volume, frame->Oid, kind, out location) == FormatError.None;
    }

    private static uint SlotsFor(uint keys) => ObjectCache.HashBuckets.For(keys * 2);
}
