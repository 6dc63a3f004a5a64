using CapOS.Kernel.Io;

namespace CapOS.Kernel.Checkpoint;

/// <summary>
/// Stopping checkpointing for good, loudly (Checkpointer I3, I4; issue 9 contract K4; docs/checkpoint.md
/// "Errors"): the reason is kept and printed when it stops and again once per checkpoint interval (a second
/// when there is none) for as long as the system runs, so a stopped checkpoint is never silent.
/// </summary>
public static unsafe partial class Checkpointer
{
    private static ulong s_stopSequence;
    private static StopReason s_stopWhat;
    private static CheckpointError s_stopError;
    private static DiskError s_stopDisk;
    private static uint s_stopTries;
    private static ulong s_stopTick;

    /// <summary>What gave up (None while running).</summary>
    public static StopReason StoppedBy => s_stopped ? s_stopWhat : StopReason.None;

    /// <summary>The sequence that was being written or migrated when checkpointing stopped (0: running).</summary>
    public static ulong StoppedSequence => s_stopped ? s_stopSequence : 0;

    /// <summary>Stops checkpointing (idempotent: the first reason is kept) and says so.</summary>
    private static void Stop(ulong sequence, StopReason what, CheckpointError error, DiskError disk, uint tries)
    {
        if (s_stopped)
        {
            return;
        }

        s_stopped = true;
        s_reason = CheckpointReason.None;
        s_stopSequence = sequence;
        s_stopWhat = what;
        s_stopError = error;
        s_stopDisk = disk;
        s_stopTries = tries;
        ReportStopped();
    }

    /// <summary>From the pump: the stopped line again once per interval.</summary>
    private static void RepeatStopped()
    {
        ulong period = s_intervalTicks != 0 ? s_intervalTicks : System.Math.Max(Machine.TimerHz(), 1UL);
        if (s_stopped && Machine.TimerTicks() - s_stopTick >= period)
        {
            ReportStopped();
        }
    }

    private static void ReportStopped()
    {
        s_stopTick = Machine.TimerTicks();
        CheckpointMessages.Stopped(s_stopSequence, s_stopWhat, s_stopError, s_stopDisk, s_stopTries, Generation.Sequence);
    }
}
