using CapOS.Kernel.DiskFormat;
using CapOS.Kernel.NodeTree;
using CapOS.Kernel.ObjectCache;

namespace CapOS.Kernel.Process;

/// <summary>
/// Restarted processes that could not be loaded yet (no free entry, no log room for their write-back, an object
/// that could not be read): they stay on every restart list and are loaded again from the scheduler's
/// background work, so a transient shortage never drops a process from the store's list of running ones
/// (ProcessTable I6; docs/process.md "Restart").
/// </summary>
public static unsafe partial class ProcessTable
{
    private static DeferredList s_deferred;

    /// <summary>Processes waiting to be loaded after a restart (I6).</summary>
    public static int DeferredCount => s_deferred.Count;

    /// <summary>True when <paramref name="result"/> may pass (the process stays on the restart list).</summary>
    public static bool IsTransient(LoadResult result) =>
        result is LoadResult.TableFull or LoadResult.NoLogSpace or LoadResult.ObjectFault;

    private static void Defer(Oid root, uint allocCount)
    {
        if (s_deferred.Count < CheckpointHeader.RestartCapacity)
        {
            s_deferred.Roots[s_deferred.Count] = root.Value;
            s_deferred.AllocCounts[s_deferred.Count] = allocCount;
            s_deferred.Count++;
        }
    }

    /// <summary>
    /// Tries to load every deferred process; the ones that load leave the list. Returns how many loaded. Background
    /// work: an object not in memory is read asynchronously (Pending is a passing reason; a later retry finds it in).
    /// </summary>
    public static int RetryDeferred()
    {
        int loaded = 0;
        for (int i = 0; i < s_deferred.Count;)
        {
            var root = new Oid(s_deferred.Roots[i]);
            LoadResult result = Load(root, s_deferred.AllocCounts[i], FaultMode.Asynchronous, out ProcessEntry* entry);
            if (IsTransient(result))
            {
                i++;
                continue;
            }

            ProcessMessages.Restarted(root, result, entry);
            loaded += result == LoadResult.Ok ? 1 : 0;
            s_deferred.Count--;
            s_deferred.Roots[i] = s_deferred.Roots[s_deferred.Count];
            s_deferred.AllocCounts[i] = s_deferred.AllocCounts[s_deferred.Count];
        }

        return loaded;
    }

    /// <summary>Appends the deferred processes to <paramref name="header"/>'s restart list after <paramref name="count"/> entries.</summary>
    private static bool AppendDeferred(CheckpointHeader* header, ref uint count)
    {
        for (int i = 0; i < s_deferred.Count; i++)
        {
            if (count == CheckpointHeader.RestartCapacity)
            {
                return false;
            }

            RestartEntry* restart = CheckpointHeader.Restart(header, (int)count);
            restart->Oid = new Oid(s_deferred.Roots[i]);
            restart->AllocCount = s_deferred.AllocCounts[i];
            restart->Reserved = 0;
            count++;
        }

        return true;
    }

    /// <summary>Root OIDs and AllocCounts of the deferred processes.</summary>
    private struct DeferredList
    {
        public int Count;
        public fixed ulong Roots[CheckpointHeader.RestartCapacity];
        public fixed uint AllocCounts[CheckpointHeader.RestartCapacity];
    }
}
