using System;

namespace CapOS.Launcher.Plug;

/// <summary>One cycle as it happened.</summary>
/// <param name="Plan">What was drawn.</param>
/// <param name="Verdict">What the serial log says.</param>
/// <param name="BootToRecovered">From QEMU's start to the mutator's recovery line, if it came.</param>
/// <param name="TargetReached">For a cut after a phase: whether the phase line came before the wait limit.</param>
/// <param name="WriteFailed">For write mode: whether blkdebug's error stopped the machine (QMP BLOCK_IO_ERROR).</param>
/// <param name="Crash">For power mode: the crash image's account, else null.</param>
public sealed record CycleResult(CyclePlan Plan, CycleVerdict Verdict, TimeSpan? BootToRecovered, bool TargetReached,
    bool WriteFailed, string? Crash)
{
    /// <summary>True if the cycle failed the campaign.</summary>
    public bool Failed => Verdict.Failure is not null;
}
