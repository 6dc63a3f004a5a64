using System;
using System.Collections.Generic;
using System.Linq;

namespace CapOS.Launcher.Plug;

/// <summary>One cycle as it happened.</summary>
/// <param name="Plan">What was drawn.</param>
/// <param name="Verdict">What the boot's serial log says.</param>
/// <param name="BootToRecovered">From QEMU's start to the mutator's recovery line, if it came.</param>
/// <param name="TargetReached">For a cut after a phase: whether the phase line came before the wait limit.</param>
/// <param name="ErrorHit">For write mode: whether the guest reached its failing write (QMP BLOCK_IO_ERROR).</param>
public sealed record CycleResult(CyclePlan Plan, CycleVerdict Verdict, TimeSpan? BootToRecovered, bool TargetReached,
    bool ErrorHit)
{
    /// <summary>For power mode: the write log and the working state's account, else null.</summary>
    public string? Crash { get; init; }

    /// <summary>For power mode: every crash state of the cut; the first is the working disk's, judged by the
    /// next boot.</summary>
    public IReadOnlyList<StateResult> States { get; init; } = [];

    /// <summary>What is wrong with the disk after the cut (C9), or with building it, or null.</summary>
    public string? CutFailure { get; init; }

    /// <summary>The exact floor of the working disk after this cycle (what the next boot must recover).</summary>
    public long FloorAfter { get; init; }

    /// <summary>The first failure: the boot's, the cut's, or a crash state's.</summary>
    public string? Failure =>
        Verdict.Failure ?? CutFailure
        ?? States.Where(s => s.Failure is not null).Select(s => $"crash state {s.Index}: {s.Failure}").FirstOrDefault();

    /// <summary>True if the cycle failed the campaign.</summary>
    public bool Failed => Failure is not null;
}
