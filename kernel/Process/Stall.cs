using CapOS.Kernel.ObjectCache;

namespace CapOS.Kernel.Process;

/// <summary>
/// The stall queues (docs/process.md "Atomic kernel operations and stall queues"; EROS SOSP'99 §3.4, §4.4):
/// a kernel operation that must wait is abandoned with no visible effect, its process is queued here by
/// reason, and when the reason goes away every process on that queue becomes runnable again and restarts
/// the operation from its saved registers. Nothing waits in place in the kernel.
/// </summary>
/// <remarks>
/// I1 A process is on at most one queue: <see cref="ProcessEntry.Stalled"/> names it (None: on none), and
///    the scheduler never selects a stalled process (ProcessEntry.Runnable).
/// I2 Waking is a broadcast per queue: every process queued on it becomes runnable, in queue order.
/// I3 Object reads have one queue per slot of the cache's read table (EROS queued a process on the object it
///    faulted on): a completion wakes exactly the processes waiting for that object (or, when the table was
///    full, for that slot to come free), not every stalled one, so no process re-runs its operation for an
///    object that is still on its way (StallTests.AReadWakesOnlyItsOwnQueue).
/// I4 The sleep queue (<see cref="StallReason.Sleep"/>) is ordered by <see cref="ProcessEntry.WakeTime"/>, equal
///    times in arrival order; <see cref="WakeSleepers"/> wakes its prefix that is due (SleepKeyTests).
/// The queues are threaded through the table (<see cref="ProcessEntry.StallNext"/>, a Pid; 0 ends a queue).
/// Tested by StallTests.
/// </remarks>
public static unsafe class Stall
{
    /// <summary>Queues of the reasons other than ObjectRead (index = reason; Receiver uses the receivers' own queues), then one per read slot.</summary>
    private const int Reasons = (int)StallReason.ObjectRead;
    private const int QueueCount = Reasons + Cache.ReadSlots;
    private static Queues s_queues;

    /// <summary>True when any process waits on any queue.</summary>
    public static bool Any
    {
        get
        {
            for (int i = 1; i < QueueCount; i++)
            {
                if (s_queues.Head[i] != 0)
                {
                    return true;
                }
            }

            return false;
        }
    }

    /// <summary>Processes on <paramref name="reason"/>'s queue (for ObjectRead: on all read queues).</summary>
    public static int Count(StallReason reason)
    {
        if (reason != StallReason.ObjectRead)
        {
            return CountQueue((int)reason);
        }

        int count = 0;
        for (int slot = 0; slot < Cache.ReadSlots; slot++)
        {
            count += CountQueue(Reasons + slot);
        }

        return count;
    }

    /// <summary>Processes waiting for object reads (on every read queue).</summary>
    public static int CountReads() => Count(StallReason.ObjectRead);

    /// <summary>Processes waiting for read slot <paramref name="slot"/>.</summary>
    public static int CountRead(int slot) => CountQueue(Reasons + slot);

    /// <summary>
    /// Queues <paramref name="process"/> for <paramref name="reason"/> (I1: it must be on none). ObjectRead queues it
    /// on the read of the cache's last Pending answer (<see cref="Cache.LastPendingRead"/>): call it right after that answer.
    /// </summary>
    public static void Add(ProcessEntry* process, StallReason reason)
    {
        Diagnostics.Panic.Assert(process->Stalled == StallReason.None && reason != StallReason.None, "Stall.Add: already stalled (I1)");
        int queue = (int)reason;
        if (reason == StallReason.ObjectRead)
        {
            int slot = Cache.LastPendingRead;
            Diagnostics.Panic.Assert(slot >= 0 && slot < Cache.ReadSlots, "Stall.Add: no object read to wait for");
            process->StallRead = (byte)slot;
            queue = Reasons + slot;
        }

        process->Stalled = reason;
        process->StallNext = 0;
        if (reason == StallReason.Sleep)
        {
            AddSleeper(process);
            return;
        }

        if (s_queues.Tail[queue] == 0)
        {
            s_queues.Head[queue] = process->Pid;
        }
        else
        {
            ProcessTable.Entry((int)s_queues.Tail[queue] - 1)->StallNext = process->Pid;
        }

        s_queues.Tail[queue] = process->Pid;
    }

    /// <summary>
    /// The one way for a kernel operation on behalf of <paramref name="process"/> to act on an object fault's
    /// answer <paramref name="result"/> (Cache.Get, Cache.PrepareKey with FaultMode.Asynchronous): Pending queues it
    /// on the object's read, CacheFullOfDirty on the checkpoint (frames come free when it commits); true when it was
    /// queued, and the caller must then abandon the operation with no visible effect (an invocation answers
    /// DispatchOutcome.Stalled, a fault leaves the process's saved registers on the faulting instruction). False for
    /// Ok and for failures the caller reports (I/O error, damage, an OID in no range).
    /// </summary>
    public static bool OnObject(ProcessEntry* process, CacheResult result)
    {
        StallReason reason = ReasonFor(result);
        if (reason == StallReason.None)
        {
            return false;
        }

        Add(process, reason);
        return true;
    }

    /// <summary>The stall queue for an object fault's answer, or None when the answer is not a reason to wait.</summary>
    public static StallReason ReasonFor(CacheResult result) => result switch
    {
        CacheResult.Pending => StallReason.ObjectRead,
        CacheResult.CacheFullOfDirty => StallReason.Checkpoint,
        _ => StallReason.None,
    };

    /// <summary>Makes every process queued for <paramref name="reason"/> runnable again (I2; ObjectRead: every read queue); returns how many.</summary>
    public static int Wake(StallReason reason)
    {
        if (reason != StallReason.ObjectRead)
        {
            return WakeQueue((int)reason);
        }

        int woken = 0;
        for (int slot = 0; slot < Cache.ReadSlots; slot++)
        {
            woken += WakeQueue(Reasons + slot);
        }

        return woken;
    }

    /// <summary>Makes the processes waiting for read slot <paramref name="slot"/> runnable (the cache's completion, I3); returns how many.</summary>
    public static int WakeRead(int slot) => slot >= 0 && slot < Cache.ReadSlots ? WakeQueue(Reasons + slot) : 0;

    /// <summary>Empties every queue (a new process table).</summary>
    public static void Forget()
    {
        for (int i = 0; i < QueueCount; i++)
        {
            s_queues.Head[i] = 0;
            s_queues.Tail[i] = 0;
        }
    }

    private static int CountQueue(int queue)
    {
        int count = 0;
        for (uint pid = s_queues.Head[queue]; pid != 0; pid = ProcessTable.Entry((int)pid - 1)->StallNext)
        {
            count++;
        }

        return count;
    }

    private static int WakeQueue(int queue)
    {
        int woken = 0;
        uint pid = s_queues.Head[queue];
        s_queues.Head[queue] = 0;
        s_queues.Tail[queue] = 0;
        while (pid != 0)
        {
            ProcessEntry* process = ProcessTable.Entry((int)pid - 1);
            pid = process->StallNext;
            process->StallNext = 0;
            process->Stalled = StallReason.None;
            woken++;
        }

        return woken;
    }

    /// <summary>First and last Pid of each queue (0: empty).</summary>
    private struct Queues
    {
        public fixed uint Head[QueueCount];
        public fixed uint Tail[QueueCount];
    }

    /// <summary>Queues <paramref name="sender"/> at the tail of <paramref name="receiver"/>'s wait queue (FIFO: docs/invocation.md "Wait queues").</summary>
    public static void AddForReceiver(ProcessEntry* sender, ProcessEntry* receiver)
    {
        Diagnostics.Panic.Assert(sender->Stalled == StallReason.None, "Stall.AddForReceiver: already stalled (I1)");
        sender->Stalled = StallReason.Receiver;
        sender->StallNext = 0;
        if (receiver->WaitTail == 0)
        {
            receiver->WaitHead = sender->Pid;
        }
        else
        {
            ProcessTable.Entry((int)receiver->WaitTail - 1)->StallNext = sender->Pid;
        }

        receiver->WaitTail = sender->Pid;
    }

    /// <summary>Takes the first sender off <paramref name="receiver"/>'s wait queue and makes it runnable; null when empty.</summary>
    public static ProcessEntry* WakeFirstSender(ProcessEntry* receiver)
    {
        uint pid = receiver->WaitHead;
        if (pid == 0)
        {
            return null;
        }

        ProcessEntry* sender = ProcessTable.Entry((int)pid - 1);
        receiver->WaitHead = sender->StallNext;
        if (receiver->WaitHead == 0)
        {
            receiver->WaitTail = 0;
        }

        sender->StallNext = 0;
        sender->Stalled = StallReason.None;
        return sender;
    }

    /// <summary>Makes every sender on <paramref name="receiver"/>'s wait queue runnable (it leaves the table: they retry and queue again).</summary>
    public static void WakeAllSenders(ProcessEntry* receiver)
    {
        while (WakeFirstSender(receiver) != null)
        {
        }

        receiver->ReservedFor = 0;
    }

    /// <summary>Inserts <paramref name="process"/> (WakeTime set) into the sleep queue after every sleeper due no later (I3).</summary>
    private static void AddSleeper(ProcessEntry* process)
    {
        const int queue = (int)StallReason.Sleep;
        uint previous = 0;
        uint pid = s_queues.Head[queue];
        while (pid != 0 && ProcessTable.Entry((int)pid - 1)->WakeTime <= process->WakeTime)
        {
            previous = pid;
            pid = ProcessTable.Entry((int)pid - 1)->StallNext;
        }

        process->StallNext = pid;
        if (previous == 0)
        {
            s_queues.Head[queue] = process->Pid;
        }
        else
        {
            ProcessTable.Entry((int)previous - 1)->StallNext = process->Pid;
        }

        if (pid == 0)
        {
            s_queues.Tail[queue] = process->Pid;
        }
    }

    /// <summary>The wake time of the first sleeper, or <see cref="ulong.MaxValue"/> when none sleeps.</summary>
    public static ulong NextWakeTime
    {
        get
        {
            uint pid = s_queues.Head[(int)StallReason.Sleep];
            return pid == 0 ? ulong.MaxValue : ProcessTable.Entry((int)pid - 1)->WakeTime;
        }
    }

    /// <summary>Makes every sleeper whose wake time is at or before <paramref name="now"/> runnable, in wake order (I3); returns how many.</summary>
    public static int WakeSleepers(ulong now)
    {
        const int queue = (int)StallReason.Sleep;
        int woken = 0;
        uint pid = s_queues.Head[queue];
        while (pid != 0 && ProcessTable.Entry((int)pid - 1)->WakeTime <= now)
        {
            ProcessEntry* process = ProcessTable.Entry((int)pid - 1);
            pid = process->StallNext;
            process->StallNext = 0;
            process->Stalled = StallReason.None;
            process->WakeTime = 0;
            woken++;
        }

        s_queues.Head[queue] = pid;
        if (pid == 0)
        {
            s_queues.Tail[queue] = 0;
        }

        return woken;
    }

    /// <summary>
    /// Takes <paramref name="process"/> off whatever queue it is on (its own stall queue, or a receiver's wait
    /// queue), leaving it unstalled: the process is leaving the table (ProcessTable.Evict).
    /// </summary>
    public static void Remove(ProcessEntry* process)
    {
        if (process->Stalled == StallReason.None)
        {
            return;
        }

        if (process->Stalled == StallReason.Receiver)
        {
            for (int i = 0; i < ProcessTable.Capacity; i++)
            {
                ProcessEntry* receiver = ProcessTable.Entry(i);
                if (Unlink(&receiver->WaitHead, &receiver->WaitTail, process))
                {
                    break;
                }
            }
        }
        else
        {
            int queue = process->Stalled == StallReason.ObjectRead ? Reasons + process->StallRead : (int)process->Stalled;
            fixed (uint* head = s_queues.Head)
            fixed (uint* tail = s_queues.Tail)
            {
                Unlink(head + queue, tail + queue, process);
            }
        }

        process->Stalled = StallReason.None;
        process->StallNext = 0;
        process->WakeTime = 0;
    }

    /// <summary>Unlinks <paramref name="process"/> from the queue (<paramref name="head"/>, <paramref name="tail"/>); false when it is not on it.</summary>
    private static bool Unlink(uint* head, uint* tail, ProcessEntry* process)
    {
        uint previous = 0;
        for (uint pid = *head; pid != 0; previous = pid, pid = ProcessTable.Entry((int)pid - 1)->StallNext)
        {
            if (pid != process->Pid)
            {
                continue;
            }

            if (previous == 0)
            {
                *head = process->StallNext;
            }
            else
            {
                ProcessTable.Entry((int)previous - 1)->StallNext = process->StallNext;
            }

            if (*tail == pid)
            {
                *tail = previous;
            }

            return true;
        }

        return false;
    }
}
