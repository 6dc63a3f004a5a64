using System;
using CapOS.Harness;

namespace CapOS.Launcher.Plug;

/// <summary>
/// Draws each cycle's plan from the seed (docs/plug.md, "Cut instants"). Half of the kill and power cuts come
/// a uniform delay after recovery (0 to four checkpoint intervals: cuts land wherever the guest happens to
/// be, mostly idle); the other half come right after the line that starts a phase drawn uniformly among
/// snapshot, stabilization, commit and migration (offset 0 a third of the time, else up to a quarter
/// interval), so every phase gets hits even when it is short. Write cuts fail a write drawn among the first
/// <see cref="MaxWriteNumber"/>.
/// </summary>
public static class PlugPlanner
{
    /// <summary>The highest write number write mode fails.</summary>
    public const int MaxWriteNumber = 512;

    /// <summary>The random stream of the plan.</summary>
    public const int PlanStream = 1;

    /// <summary>The random stream whose first value seeds the crash image.</summary>
    public const int CrashStream = 2;

    private static readonly CheckpointPhase[] Targets =
        [CheckpointPhase.Snapshot, CheckpointPhase.Stabilize, CheckpointPhase.Commit, CheckpointPhase.Migrate];

    /// <summary>The plan of cycle <paramref name="cycle"/>.</summary>
    public static CyclePlan Plan(ulong seed, int cycle, PlugMode requested, int checkpointIntervalMs)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(checkpointIntervalMs);
        SplitMix64 random = SplitMix64.For(seed, cycle, PlanStream);
        PlugMode mode = requested == PlugMode.Mixed ? (PlugMode)random.Below(3) : requested;
        ulong crashSeed = SplitMix64.For(seed, cycle, CrashStream).Next();
        long intervalUs = checkpointIntervalMs * 1000L;
        if (mode == PlugMode.Write)
        {
            int write = random.Between(1, MaxWriteNumber);
            WriteFault fault = random.Chance(1, 2) ? WriteFault.Transient : WriteFault.Persistent;
            return new CyclePlan(cycle, mode, CutKind.AtWrite, CheckpointPhase.Idle, LivenessLimit(checkpointIntervalMs),
                write, crashSeed, fault);
        }
        if (random.Chance(1, 2))
        {
            TimeSpan delay = Microseconds(random.Below((int)Math.Min(int.MaxValue, 4 * intervalUs)));
            return new CyclePlan(cycle, mode, CutKind.AfterDelay, CheckpointPhase.Idle, delay, 0, crashSeed);
        }
        CheckpointPhase target = Targets[random.Below(Targets.Length)];
        TimeSpan offset = random.Chance(1, 3)
            ? TimeSpan.Zero
            : Microseconds(random.Below((int)Math.Max(1, intervalUs / 4)));
        return new CyclePlan(cycle, mode, CutKind.AfterPhase, target, offset, 0, crashSeed);
    }

    /// <summary>How long a cut after a phase waits for the phase's line before cutting anyway.</summary>
    public static TimeSpan PhaseWaitLimit(int checkpointIntervalMs) =>
        TimeSpan.FromMilliseconds(10.0 * checkpointIntervalMs + 5000);

    /// <summary>How long a recovered boot may run uncut without committing (C6), how long write mode waits for
    /// the failing write after recovery, and how long the kernel has to answer an injected error (C7, C8).</summary>
    public static TimeSpan LivenessLimit(int checkpointIntervalMs) =>
        TimeSpan.FromMilliseconds(10.0 * checkpointIntervalMs + 5000);

    private static TimeSpan Microseconds(long us) => TimeSpan.FromTicks(us * TimeSpan.TicksPerMicrosecond);
}
