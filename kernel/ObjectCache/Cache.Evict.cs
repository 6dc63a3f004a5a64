using CapOS.Kernel.NodeTree;

namespace CapOS.Kernel.ObjectCache;

/// <summary>Ageing and eviction: a clock over each kind of frame (docs/object-cache.md "Ageing and eviction").</summary>
/// <remarks>
/// I8: a dirty or pinned object is never evicted (nor a pending one, I10). Checked:
/// CacheTests.DirtyObjectsAreNeverEvictedAndAFullCacheSaysSo.
/// I9: before an object leaves the cache every key on its ring, and for a node every key in it, is
/// unprepared (<see cref="Remove"/>). Checked: CacheKeysTests.EvictingATargetUnpreparesTheKeysPointingAtIt,
/// CacheKeysTests.EvictingAHolderUnlinksItsKeysFromOtherRings,
/// CacheKeysTests.EvictionUnderPressureUnpreparesAndReloadsNodesUnprepared.
/// </remarks>
public static unsafe partial class Cache
{
    private static uint s_pageHand;
    private static uint s_nodeHand;

    private static void ResetClock()
    {
        s_pageHand = 0;
        s_nodeHand = 0;
    }

    /// <summary>
    /// A free frame for an object of <paramref name="type"/>: a free one if the hand meets it first,
    /// else the first clean, unpinned object whose Referenced bit the hand already cleared (EROS
    /// ageing with one bit). Two sweeps visit every frame twice, so if any clean unpinned frame
    /// exists it is found; otherwise <see cref="CacheResult.CacheFullOfDirty"/>.
    /// </summary>
    private static CacheResult AllocateFrame(ObType type, out ObjectHeader* frame)
    {
        bool pages = type == ObType.Page;
        uint first = pages ? 0 : s_pageFrames;
        uint count = pages ? s_pageFrames : s_nodeFrames;
        uint hand = pages ? s_pageHand : s_nodeHand;
        frame = null;
        for (uint step = 0; step < 2 * count && frame == null; step++)
        {
            ObjectHeader* candidate = &s_headers[first + hand];
            hand = hand + 1 == count ? 0 : hand + 1;
            if (candidate->IsReserved)
            {
                continue; // I12: a read in flight fills it
            }

            if (candidate->IsFree)
            {
                frame = candidate;
            }
            else if (!candidate->IsDirty && !candidate->IsPinned && !candidate->IsPending)
            {
                if ((candidate->Flags & ObjectFlags.Referenced) != 0)
                {
                    candidate->Flags &= ~ObjectFlags.Referenced;
                }
                else
                {
                    Remove(candidate);
                    s_statistics.Evictions++;
                    frame = candidate;
                }
            }
        }

        if (pages)
        {
            s_pageHand = hand;
        }
        else
        {
            s_nodeHand = hand;
        }

        if (frame == null)
        {
            Checkpoint.Checkpointer.Request(Checkpoint.CheckpointReason.CacheFull);
            return CacheResult.CacheFullOfDirty;
        }

        return CacheResult.Ok;
    }

    /// <summary>
    /// Removes a clean, unpinned object from the cache now (the checkpoint or a test may ask).
    /// False, changing nothing, when it is free, dirty or pinned.
    /// </summary>
    public static bool Evict(ObjectHeader* frame)
    {
        if (frame->IsFree || frame->IsDirty || frame->IsPinned || frame->IsPending)
        {
            return false;
        }

        Remove(frame);
        s_statistics.Evictions++;
        return true;
    }

    /// <summary>
    /// Removes every hardware mapping built from the object (P7: the mapping layer's depend entries and
    /// products), unprepares every key pointing at it (and, for a node, every key in it), then frees the frame.
    /// </summary>
    private static void Remove(ObjectHeader* frame)
    {
        Process.AddressSpaces.ObjectLeaving(frame);
        UnprepareRing(frame);
        if (frame->ObType == ObType.Node)
        {
            Node* body = NodeBody(frame);
            for (int i = 0; i < Node.SlotCount; i++)
            {
                UnprepareKey(Node.Slot(body, i));
            }
        }

        HashRemove(frame);
        frame->ObType = ObType.None;
        frame->Flags = ObjectFlags.None;
        frame->PinCount = 0;
        SetState(frame);
    }
}
