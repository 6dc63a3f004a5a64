namespace CapOS.Kernel.ObjectCache;

/// <summary>Dirty tracking and pins (docs/object-cache.md "Dirty objects").</summary>
public static unsafe partial class Cache
{
    private static uint s_dirtyCount;
    private static DirtyRefusal s_lastRefusal;

    /// <summary>Why the last refused <see cref="MarkDirty(ObjectHeader*)"/> refused: which stall queue its process waits on.</summary>
    public static DirtyRefusal LastRefusal => s_lastRefusal;

    /// <summary>Objects now dirty (I6).</summary>
    public static uint DirtyCount => s_dirtyCount;

    /// <summary>
    /// Marks <paramref name="frame"/> dirty before the caller changes it. The first dirtying of an
    /// object first asks <see cref="TryReserve"/> for its log and directory space (issue #4 item 1),
    /// and a pending page goes through copy-on-write first (I10). On refusal nothing changes, the answer is
    /// false and <see cref="LastRefusal"/> says why: the caller must not modify the object; a process waits
    /// (NoLogSpace: for the next snapshot, which is requested; ImageInFlight: for the images) and retries.
    /// </summary>
    public static bool MarkDirty(ObjectHeader* frame) => MarkDirty(frame, writeBack: false);

    /// <summary>
    /// <see cref="MarkDirty(ObjectHeader*)"/> for the process table's write-back of a loaded process's root
    /// and register annex: the reservation may use the log headroom kept for it (Checkpoint.LogSpace I2).
    /// </summary>
    public static bool MarkDirtyForWriteBack(ObjectHeader* frame) => MarkDirty(frame, writeBack: true);

    private static bool MarkDirty(ObjectHeader* frame, bool writeBack)
    {
        if (frame->IsDirty)
        {
            if (!IsFrozen(frame))
            {
                return true;
            }

            // Frozen by the snapshot and not recorded yet (I14): recorded now, then the pending path below.
            s_recordFrozen(frame);
        }

        if (frame->IsFree)
        {
            s_lastRefusal = DirtyRefusal.NotCached;
            return false;
        }

        if (frame->IsPending && !Checkpoint.Snapshot.TryCopyOnWrite(frame))
        {
            // The frozen content still belongs to the checkpoint being written (Cache.Pending.cs), whose
            // image is not written yet and cannot be copied aside: the writer must get further first.
            s_lastRefusal = DirtyRefusal.ImageInFlight;
            return false;
        }

        if (!TryReserve(frame, writeBack))
        {
            s_lastRefusal = DirtyRefusal.NoLogSpace;
            return false;
        }

        frame->Flags |= ObjectFlags.Dirty;
        SetState(frame);
        s_dirtyCount++;
        return true;
    }

    /// <summary>
    /// For the checkpoint, once the object's image is safely written: clears Dirty and records the CRC
    /// of the content as written (the next consistency check compares against it).
    /// </summary>
    public static void MarkClean(ObjectHeader* frame)
    {
        if (!frame->IsDirty)
        {
            return;
        }

        frame->Flags &= ~ObjectFlags.Dirty;
        SetState(frame);
        frame->Crc = ComputeCrc(frame);
        s_dirtyCount--;
    }

    /// <summary>
    /// The next dirty object after <paramref name="previous"/> in table order (null: from the start);
    /// null when there is none. Enumerating changes nothing; it reads the dirty bitmap (I11), so a
    /// pass costs the dirty count plus the table size / 64.
    /// </summary>
    public static ObjectHeader* NextDirty(ObjectHeader* previous) => NextSet(s_dirtyBits, previous);

    /// <summary>Keeps <paramref name="frame"/> in the cache until <see cref="Unpin"/> (pins nest).</summary>
    public static void Pin(ObjectHeader* frame) => frame->PinCount++;

    /// <summary>Releases one pin.</summary>
    public static void Unpin(ObjectHeader* frame)
    {
        Diagnostics.Panic.Assert(frame->PinCount != 0, "Cache.Unpin: object not pinned");
        frame->PinCount--;
    }
}
