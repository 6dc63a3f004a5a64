using CapOS.Kernel.ObjectCache;

namespace CapOS.Kernel.Process;

/// <summary>
/// The root index: from a process root's frame to its loaded entry in a few steps, for every invocation of a
/// gate key and every node-slot write (docs/invocation.md "Theory of operation"). Chained through
/// <see cref="ProcessEntry.RootNext"/>, bucketed by the frame's address.
/// </summary>
/// <remarks>
/// I8 Every loaded entry is in the chain of its RootFrame's bucket, and no other entry is in any chain
///    (added by Load, removed by Unload; ProcessTableTests and every GatesTests delivery).
/// </remarks>
public static unsafe partial class ProcessTable
{
    private const uint RootBuckets = 256;
    private static RootIndex s_index;

    /// <summary>The loaded entry whose root is <paramref name="node"/>, or null.</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    public static ProcessEntry* FindByRoot(ObjectHeader* node)
    {
        if (node->PinCount == 0)
        {
            return null; // every loaded root is pinned (P2)
        }

        for (uint pid = s_index.Head[Bucket(node)]; pid != 0;)
        {
            ProcessEntry* entry = &s_entries[pid - 1];
            if (entry->RootFrame == node)
            {
                return entry;
            }

            pid = entry->RootNext;
        }

        return null;
    }

    private static uint Bucket(ObjectHeader* root) => HashBuckets.OfPointer(root, RootBuckets - 1);

    private static void IndexAdd(ProcessEntry* entry)
    {
        uint bucket = Bucket(entry->RootFrame);
        entry->RootNext = s_index.Head[bucket];
        s_index.Head[bucket] = entry->Pid;
    }

    private static void IndexRemove(ProcessEntry* entry)
    {
        uint bucket = Bucket(entry->RootFrame);
        if (s_index.Head[bucket] == entry->Pid)
        {
            s_index.Head[bucket] = entry->RootNext;
        }
        else
        {
            for (uint pid = s_index.Head[bucket]; pid != 0; pid = s_entries[pid - 1].RootNext)
            {
                if (s_entries[pid - 1].RootNext == entry->Pid)
                {
                    s_entries[pid - 1].RootNext = entry->RootNext;
                    break;
                }
            }
        }

        entry->RootNext = 0;
    }

    private static void IndexForget()
    {
        for (uint i = 0; i < RootBuckets; i++)
        {
            s_index.Head[i] = 0;
        }
    }

    private struct RootIndex
    {
        public fixed uint Head[(int)RootBuckets];
    }
}
