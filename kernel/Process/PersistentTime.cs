namespace CapOS.Kernel.Process;

/// <summary>
/// Persistent monotonic time in milliseconds (EROS-NOTES "Checkpoint": CapROS persistent monotonic time;
/// docs/invocation.md "Sleep key"): time that keeps counting across checkpoints and restarts. Each checkpoint
/// header records the time at its snapshot (CheckpointHeader.PersistentTimeMs); after recovery the clock
/// resumes from the recovered header's value and counts timer ticks from there.
/// </summary>
/// <remarks>
/// I1 Monotonic as every process sees it: a restart goes back to the snapshot's time, but it also takes every
///    process back to the snapshot, so no process holds a time later than the clock (SleepKeyTests).
/// I2 Time while the machine is off is not counted (no real-time clock is read): sleepers resume with the
///    time they had left at the snapshot.
/// The state (base time, base tick) is set by <see cref="Resume"/>, called by Checkpointer.Initialize.
/// </remarks>
public static class PersistentTime
{
    private static ulong s_baseMs;
    private static ulong s_baseTicks;

    /// <summary>Milliseconds of persistent time now.</summary>
    public static ulong NowMs
    {
        get
        {
            ulong hz = Machine.TimerHz();
            ulong ticks = Machine.TimerTicks() - s_baseTicks;
            return s_baseMs + (ticks * 1000 / (hz == 0 ? 1 : hz));
        }
    }

    /// <summary>After recovery: the clock reads <paramref name="baseMs"/> (the recovered header's time) now.</summary>
    public static void Resume(ulong baseMs)
    {
        s_baseMs = baseMs;
        s_baseTicks = Machine.TimerTicks();
    }
}
