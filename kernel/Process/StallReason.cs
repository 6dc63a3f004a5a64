namespace CapOS.Kernel.Process;

/// <summary>
/// Why a process waits on a stall queue (docs/process.md "Atomic kernel operations and stall queues"). A
/// stalled process is Running in its nodes: the stall is kernel state only, never written back, and the
/// process re-executes the trapping instruction when woken (or, after a restart, at once).
/// </summary>
public enum StallReason : byte
{
    /// <summary>Not stalled.</summary>
    None = 0,

    /// <summary>Invoked the checkpoint key while a checkpoint was being written; woken when it ends.</summary>
    Checkpoint = 1,

    /// <summary>Wrote to a page whose checkpoint image is being written; woken when the writer's images are written.</summary>
    ImageWrite = 2,

    /// <summary>Dirtied an object and the log had no room; woken when a checkpoint ends (log space freed).</summary>
    LogSpace = 3,

    /// <summary>
    /// Invoked a start key of a process that is not Available (or reserved for an earlier waiter), or faulted
    /// to a keeper that is busy: on that receiver's own wait queue, woken one at a time in order as it
    /// becomes Available (docs/invocation.md "Wait queues").
    /// </summary>
    Receiver = 4,

    /// <summary>
    /// Invoked the sleep key: on the sleep queue, ordered by wake time (<see cref="ProcessEntry.WakeTime"/>,
    /// persistent ms), woken by the timer when that time has come (Stall.WakeSleepers; docs/invocation.md "Sleep key").
    /// </summary>
    Sleep = 5,

    /// <summary>
    /// Needed an object not in memory: queued on its read (one queue per slot of the cache's read table, Stall I3);
    /// woken when the read completes, installed or failed. Must stay the last reason (Stall numbers the read queues after it).
    /// </summary>
    ObjectRead = 6,
}
