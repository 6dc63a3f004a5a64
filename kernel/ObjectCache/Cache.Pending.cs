using CapOS.Kernel.NodeTree;

namespace CapOS.Kernel.ObjectCache;

/// <summary>
/// The checkpoint's view of the cache: freezing the dirty objects into a snapshot, releasing them at
/// commit, putting them back after a failed checkpoint, and per-object checks for the consistency
/// check (docs/checkpoint.md "Snapshot", "Consistency check").
/// </summary>
/// <remarks>
/// I10: a CheckpointPending object belongs to the snapshot being written: it is never evicted (its
/// newest committed image is not on disk yet) and, for a page, a kernel write to it first goes
/// through Snapshot.TryCopyOnWrite (MarkDirty). Pending and Dirty together: changed again since the
/// snapshot, part of the next generation too. ObjectHeader.Reserved is the snapshot's record index + 1
/// while pending (0 otherwise). Checked: SnapshotTests.PendingObjectsAreNeverEvicted.
/// </remarks>
public static unsafe partial class Cache
{
    private static uint s_pendingCount;

    /// <summary>Objects now CheckpointPending.</summary>
    public static uint PendingCount => s_pendingCount;

    /// <summary>The snapshot's record of one object: a frozen (or dirty) object becomes part of the checkpoint being taken (Dirty cleared, Pending set).</summary>
    public static void Freeze(ObjectHeader* frame, uint record)
    {
        if (!frame->IsDirty || frame->IsPending)
        {
            return;
        }

        frame->Flags = (frame->Flags & ~ObjectFlags.Dirty) | ObjectFlags.CheckpointPending;
        frame->Reserved = record + 1;

        // SetState for this one transition (used stays set): frozen (or dirty) bit off, pending bit on (I11).
        uint word = frame->Index >> 6;
        ulong bit = 1UL << (int)(frame->Index & 63);
        if ((s_frozenBits[word] & bit) != 0)
        {
            s_frozenBits[word] &= ~bit;
            s_frozenCount--;
        }
        else
        {
            s_dirtyBits[word] &= ~bit;
            s_dirtyCount--;
        }

        s_pendingBits[word] |= bit;
        s_pendingCount++;
    }

    /// <summary>The commit: the object is no longer pending; unless dirtied again it is clean, its CRC that of its content.</summary>
    public static void ReleasePending(ObjectHeader* frame)
    {
        if (frame->IsPending && !frame->IsDirty)
        {
            ReleasePending(frame, ComputeCrc(frame));
        }
        else
        {
            ReleasePending(frame, frame->Crc);
        }
    }

    /// <summary>
    /// <see cref="ReleasePending(ObjectHeader*)"/> with the CRC of the content already known (the snapshot took it
    /// from the image it wrote, which is the content of a page not dirtied again since): no page is read again.
    /// </summary>
    public static void ReleasePending(ObjectHeader* frame, uint crc)
    {
        if (!frame->IsPending)
        {
            return;
        }

        frame->Flags &= ~ObjectFlags.CheckpointPending;
        frame->Reserved = 0;
        SetState(frame);
        s_pendingCount--;
        if (!frame->IsDirty)
        {
            frame->Crc = crc;
        }
    }

    /// <summary>
    /// A failed checkpoint: the object is dirty again (its reservation is re-taken by the caller without
    /// a limit, LogSpace.Reinstate), so the next checkpoint writes it.
    /// </summary>
    public static void Unfreeze(ObjectHeader* frame)
    {
        if (!frame->IsPending)
        {
            return;
        }

        frame->Flags &= ~ObjectFlags.CheckpointPending;
        frame->Reserved = 0;
        s_pendingCount--;
        if (!frame->IsDirty)
        {
            frame->Flags |= ObjectFlags.Dirty;
            s_dirtyCount++;
        }

        SetState(frame);
    }

    /// <summary>The next pending object after <paramref name="previous"/> in table order (null: from the start); reads the pending bitmap (I11).</summary>
    public static ObjectHeader* NextPending(ObjectHeader* previous) => NextSet(s_pendingBits, previous);

    /// <summary>True when header <paramref name="frame"/> is a page frame (page frames come first in the table).</summary>
    public static bool IsPageFrame(ObjectHeader* frame) => frame->Index < s_pageFrames;

    /// <summary>Ring and slot violations of one object (I4; <see cref="CheckRings"/> is the sum over the cache).</summary>
    public static uint CheckObjectRings(ObjectHeader* frame)
    {
        if (frame->IsFree)
        {
            return 0;
        }

        uint violations = CheckRing(frame);
        return frame->ObType == ObType.Node ? violations + CheckSlots(NodeBody(frame)) : violations;
    }
}
