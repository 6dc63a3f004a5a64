using System;
using System.Globalization;

namespace CapOS.Launcher.Plug;

/// <summary>How a cycle's cut instant is chosen.</summary>
public enum CutKind
{
    /// <summary>A random delay after the mutator's recovery line.</summary>
    AfterDelay,

    /// <summary>A random (small, possibly zero) offset after the next line that starts <see cref="CyclePlan.Target"/>.</summary>
    AfterPhase,

    /// <summary>When the guest has answered the I/O error blkdebug hands it at write <see cref="CyclePlan.WriteNumber"/>
    /// (or after <see cref="CyclePlan.Delay"/> past recovery if the guest writes less).</summary>
    AtWrite,
}

/// <summary>One cycle's seeded choices (docs/plug.md, "Cut instants"). A function of (seed, cycle, requested
/// mode, interval) only: see <see cref="PlugPlanner"/>.</summary>
/// <param name="Cycle">The cycle number, from 1.</param>
/// <param name="Mode">Kill, Power or Write (never Mixed).</param>
/// <param name="Kind">How the instant is chosen.</param>
/// <param name="Target">For <see cref="CutKind.AfterPhase"/>, the phase whose start line is awaited.</param>
/// <param name="Delay">The delay after recovery, the offset after the phase line, or the write-mode limit.</param>
/// <param name="WriteNumber">For write mode, the write (from 1) that fails.</param>
/// <param name="CrashSeed">For power mode, the seed of the crash states' choices.</param>
/// <param name="Fault">For write mode, whether the error is transient or persistent; else None.</param>
public sealed record CyclePlan(int Cycle, PlugMode Mode, CutKind Kind, CheckpointPhase Target, TimeSpan Delay,
    int WriteNumber, ulong CrashSeed, WriteFault Fault = WriteFault.None)
{
    /// <summary>A short account, e.g. <c>power: cut 1.250 ms after stabilize</c>.</summary>
    public string Describe()
    {
        string mode = Mode.ToString().ToLowerInvariant();
        double ms = Delay.TotalMilliseconds;
        return Kind switch
        {
            CutKind.AfterDelay => string.Create(CultureInfo.InvariantCulture, $"{mode}: cut {ms:0.000} ms after recovery"),
            CutKind.AfterPhase => string.Create(CultureInfo.InvariantCulture,
                $"{mode}: cut {ms:0.000} ms after {Target.ToString().ToLowerInvariant()} starts"),
            _ => string.Create(CultureInfo.InvariantCulture,
                $"{mode}: {Fault.ToString().ToLowerInvariant()} error at write {WriteNumber} (cut {ms:0} ms after recovery at most)"),
        };
    }
}
