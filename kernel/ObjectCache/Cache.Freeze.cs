namespace CapOS.Kernel.ObjectCache;

/// <summary>
/// Freezing every dirty object at once, in the snapshot's pause, without visiting any of them
/// (docs/checkpoint.md "Snapshot and copy-on-write", "The pause"; EROS SOSP'99 §3.5).
/// </summary>
/// <remarks>
/// Theory of operation. <see cref="FreezeAll"/> swaps the dirty map with the frozen map (empty between
/// snapshots): every object dirtied before the snapshot is now **frozen** - its header still says Dirty,
/// its bit is in the frozen map, and it belongs to the checkpoint being taken. The snapshot then records
/// the frozen objects after the pause, a bounded number per pump (Snapshot.Advance), each through
/// <see cref="Freeze"/> (Pending, frozen bit off). An object touched before the walk reaches it is
/// recorded first: <see cref="MarkDirty(ObjectHeader*)"/> and every other writer ask <see cref="IsDirtyNow"/>,
/// which is false for a frozen object, so the write takes the snapshot's path (record, then copy-on-write
/// for a page) exactly as for a pending one. Cost in the pause: two pointer stores and two counters.
/// I14: an object is frozen only between FreezeAll and its record; no frozen object is ever written
/// (a write asks IsDirtyNow or MarkDirty first), evicted (its header says Dirty) or counted dirty
/// (SnapshotTests.AFrozenObjectIsRecordedBeforeItsFirstWrite, CacheTests.BitmapsFollowEveryHeaderChange).
/// </remarks>
public static unsafe partial class Cache
{
    private static uint s_frozenCount;
    private static delegate*<ObjectHeader*, void> s_recordFrozen;

    /// <summary>Objects frozen by the last snapshot and not recorded yet.</summary>
    public static uint FrozenCount => s_frozenCount;

    /// <summary>
    /// The function that records a frozen object into the snapshot (Snapshot.RecordFrozen; it ends with
    /// <see cref="Freeze"/>). Set by the snapshot before the first <see cref="FreezeAll"/>.
    /// </summary>
    public static void SetFrozenRecorder(delegate*<ObjectHeader*, void> recorder) => s_recordFrozen = recorder;

    /// <summary>
    /// The pause: every dirty object becomes frozen (the dirty map becomes the frozen map, the dirty map
    /// starts empty: new writes belong to the next generation). Returns the number frozen. The frozen map
    /// must be empty (the last snapshot's walk ended); false otherwise, nothing changed.
    /// </summary>
    public static bool FreezeAll(out uint frozen)
    {
        frozen = 0;
        if (s_frozenCount != 0)
        {
            return false;
        }

        ulong* empty = s_frozenBits;
        s_frozenBits = s_dirtyBits;
        s_dirtyBits = empty;
        s_frozenCount = s_dirtyCount;
        s_dirtyCount = 0;
        frozen = s_frozenCount;
        return true;
    }

    /// <summary>True when <paramref name="frame"/> is frozen by the snapshot and not recorded yet (I14).</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    public static bool IsFrozen(ObjectHeader* frame) =>
        s_frozenCount != 0 && (s_frozenBits[frame->Index >> 6] & (1UL << (int)(frame->Index & 63))) != 0;

    /// <summary>True when <paramref name="frame"/> is dirty in the current generation and may be written without MarkDirty.</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    public static bool IsDirtyNow(ObjectHeader* frame) => frame->IsDirty && !IsFrozen(frame);

    /// <summary>Records <paramref name="frame"/> into the snapshot now if it is frozen (before anything changes it).</summary>
    public static void RecordIfFrozen(ObjectHeader* frame)
    {
        if (IsFrozen(frame))
        {
            s_recordFrozen(frame);
        }
    }

    /// <summary>The next frozen object after <paramref name="previous"/> in table order (null: from the start).</summary>
    public static ObjectHeader* NextFrozen(ObjectHeader* previous) => s_frozenCount == 0 ? null : NextSet(s_frozenBits, previous);

    /// <summary>
    /// A snapshot given up before its walk ended: every frozen object is dirty again (its header still says
    /// Dirty, its reservation is re-taken by the caller). Returns how many.
    /// </summary>
    public static uint ThawAll()
    {
        uint thawed = s_frozenCount;
        for (uint word = 0; word < s_bitWords; word++)
        {
            s_dirtyBits[word] |= s_frozenBits[word];
            s_frozenBits[word] = 0;
        }

        s_dirtyCount += thawed;
        s_frozenCount = 0;
        return thawed;
    }
}
