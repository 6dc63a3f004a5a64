using CapOS.Kernel.Diagnostics;

namespace CapOS.Kernel.Process;

/// <summary>
/// Round-robin choice of the next process, and the idle loop. Every way out of a
/// process that does not return to it (exit, fault, preemption) ends in <see cref="RunNext"/>:
/// there is no kernel stack to unwind to (EROS: every kernel operation restarts
/// from the trap). docs/boot.md "Ring 3".
/// </summary>
public static unsafe class Scheduler
{
    private static bool s_exitWhenIdle;
    private static bool s_idleReported;

    /// <summary>Starts scheduling; <paramref name="exitWhenIdle"/> stops the machine once nothing is runnable.</summary>
    public static void Start(bool exitWhenIdle)
    {
        s_exitWhenIdle = exitWhenIdle;
        s_idleReported = false;
        RunNext();
    }

    /// <summary>
    /// An interrupt taken in ring 3, after the machine half saved the interrupted process's registers in its
    /// context: the kernel's background work runs at this safe point (the checkpoint's pump: triggers,
    /// stabilization, commit, migration, waking stalled processes; the object reads that completed: installed,
    /// their waiters woken), then the next runnable process (round robin). Without it a system whose processes never idle would never checkpoint.
    /// </summary>
    public static void OnUserInterrupt()
    {
        Checkpoint.Checkpointer.Pump();
        Stall.WakeSleepers(PersistentTime.NowMs);
        ObjectCache.Cache.CompleteReads();
        if (ProcessTable.DeferredCount != 0)
        {
            ProcessTable.RetryDeferred();
        }

        RunNext();
    }

    /// <summary>Runs <paramref name="process"/> (runnable) now: the directed switch of a call or return (EROS). Never returns on metal.</summary>
    public static void Run(ProcessEntry* process)
    {
        if (process->AddressSpace == 0 && !UserFaults.EnsureRoot(process))
        {
            RunNext();
            return;
        }

        ProcessTable.MakeCurrent(process);
        UserMode.Enter(process);
    }

    /// <summary>
    /// Runs the next runnable process, or idles. Never returns on metal. `kernel: idle` is reported the first time
    /// nothing is runnable and no process waits for an object read (waiting for the disk is not idling).
    /// </summary>
    public static void RunNext()
    {
        for (;;)
        {
            ProcessEntry* next = ProcessTable.SelectNext();
            if (next != null && !UserFaults.EnsureRoot(next))
            {
                ProcessTable.Park(next, FaultCode.ObjectUnavailable, 0); // no page tables left even for a root
                continue;
            }

            if (next != null)
            {
                UserMode.Enter(next);
                return;
            }

            if (!s_idleReported && Stall.CountReads() == 0)
            {
                s_idleReported = true;
                Log.WriteLine("kernel: idle");
            }

            if (s_exitWhenIdle && !Stall.Any)
            {
                Machine.Halt(0);
                return;
            }

            // Idle: the background work may wake a stalled process (a commit, written images, an object read) or
            // load a deferred one (ProcessTable I6), which then runs.
            Boot.CheckpointBoot.Idle();
            Stall.WakeSleepers(PersistentTime.NowMs);
            ObjectCache.Cache.CompleteReads();
            if (ProcessTable.DeferredCount != 0)
            {
                ProcessTable.RetryDeferred();
            }

            if (ProcessTable.SelectNext() == null)
            {
                Machine.WaitForInterrupt();
            }
        }
    }
}
