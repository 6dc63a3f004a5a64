using System.Collections.Generic;

namespace CapOS.Launcher.Plug;

/// <summary>What one boot's serial log says (docs/plug.md, "Invariants").</summary>
/// <param name="RecoveryComplete">True once the log settles recovery: the mutator's line or a failure line
/// was seen.</param>
/// <param name="RecoveredSeq">The checkpoint recovered at boot, or null.</param>
/// <param name="Contents">The mutator's (step, digest) after recovery, or null.</param>
/// <param name="Snapshots">Every <c>mutator: snapshot</c> line of the boot, in order (contract K1).</param>
/// <param name="Phase">The phase the last checkpoint line after recovery started.</param>
/// <param name="MaxCommitted">The highest <c>committed</c> seq after recovery, or null.</param>
/// <param name="CutDuringRecovery">True if the harness cut the boot before its recovery was over: before the
/// mutator's line or before the first commit after it. Not a failure: the next boot judges that cut.</param>
/// <param name="Stopped">True if the kernel printed <c>checkpoint: stopped</c>.</param>
/// <param name="WriteErrors">How many <c>checkpoint: write error</c> lines the kernel printed.</param>
/// <param name="Failure">Why the boot fails the campaign, or null.</param>
/// <param name="CowCopies">Copy-on-write copies made while the boot's checkpoints stabilized (contract K3).</param>
/// <param name="User">The user workload's verdict (null for the kernel workload, or before a recovered line).</param>
public sealed record CycleVerdict(
    bool RecoveryComplete,
    long? RecoveredSeq,
    MutatorContents? Contents,
    IReadOnlyList<(long Seq, MutatorContents Contents)> Snapshots,
    CheckpointPhase Phase,
    long? MaxCommitted,
    bool CutDuringRecovery,
    bool Stopped,
    int WriteErrors,
    string? Failure,
    long CowCopies = 0,
    UserVerdict? User = null)
{
    /// <summary>The mutator's step after recovery, or null.</summary>
    public long? Step => Contents?.Step;

    /// <summary>True if the boot's recovered contents were judged: the mutator's line, or a step of some workload process.</summary>
    public bool ContentsJudged => Contents is not null || User?.Resumed.Steps.Count > 0;
}
