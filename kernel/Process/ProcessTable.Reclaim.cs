namespace CapOS.Kernel.Process;

/// <summary>
/// Reclaiming entries: the table is a cache of processes, so when it is full a process that is not running
/// (Available: waiting for a message; Waiting: waiting for a reply) is written back and unloaded to make room
/// (docs/process.md "The process table is a cache"; EROS process cache replacement).
/// </summary>
/// <remarks>
/// I9 Only an entry that is loaded, not Running, not the current process, not on a stall queue and not
///    reserved by a woken sender is reclaimed; its nodes then hold everything it was (P3), and the next
///    invocation of a key to it loads it again (ProcessTableTests.AFullTableReclaimsProcessesThatAreNotRunning).
/// </remarks>
public static unsafe partial class ProcessTable
{
    private static int s_reclaimHand;

    /// <summary>Unloads one reclaimable entry (I9), the first after the clock hand; false when none is.</summary>
    private static bool TryReclaim()
    {
        for (int n = 0; n < s_capacity; n++)
        {
            int index = (s_reclaimHand + n) % s_capacity;
            ProcessEntry* entry = &s_entries[index];
            if (!entry->InUse || entry->State == RunState.Running || index == s_current
                || entry->Stalled != StallReason.None || entry->ReservedFor != 0)
            {
                continue;
            }

            if (Unload(entry))
            {
                s_reclaimHand = (index + 1) % s_capacity;
                return true;
            }
        }

        return false;
    }
}
