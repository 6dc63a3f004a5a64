using CapOS.Kernel.ObjectCache;

namespace CapOS.Kernel.Process;

/// <summary>
/// Taking a process out of the kernel because an object it is made of is being rescinded (the range key,
/// docs/invocation.md "Range key"): a process whose root, key registers node or register annex gets a new
/// incarnation must not keep running on the old one.
/// </summary>
/// <remarks>
/// I8 After <see cref="Evict"/> the entry is free: the process is on no stall queue and no wait queue, no sender
///    waits on it, nothing of it is pinned, and it is on no restart list (the list is made from the table).
/// </remarks>
public static unsafe partial class ProcessTable
{
    /// <summary>The next loaded entry after <paramref name="after"/> (null: from the start) that pins <paramref name="frame"/> (its root, key registers node or annex: P2), or null.</summary>
    public static ProcessEntry* NextHolder(ObjectHeader* frame, ProcessEntry* after)
    {
        if (frame->PinCount == 0)
        {
            return null;
        }

        for (int i = after == null ? 0 : (int)after->Pid; i < s_capacity; i++)
        {
            ProcessEntry* entry = &s_entries[i];
            if ((entry->Flags & ProcessFlags.Loaded) != 0
                && (entry->RootFrame == frame || entry->KeyRegistersFrame == frame || entry->AnnexFrame == frame))
            {
                return entry;
            }
        }

        return null;
    }

    /// <summary>
    /// Unloads <paramref name="entry"/> for good (I8): off its queue, its waiting senders woken (they retry and
    /// find it gone), written back and unloaded. The caller has dirtied its root and annex (so the write-back
    /// cannot be refused).
    /// </summary>
    public static void Evict(ProcessEntry* entry)
    {
        Stall.Remove(entry);
        Stall.WakeAllSenders(entry);
        Diagnostics.Panic.Assert(Unload(entry), "ProcessTable.Evict: write-back refused on dirty objects");
    }
}
