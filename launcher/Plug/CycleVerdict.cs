namespace CapOS.Launcher.Plug;

/// <summary>What one boot's serial log says (docs/plug.md, "Checks").</summary>
/// <param name="RecoveryComplete">True once the log settles recovery: the mutator's line or a failure line
/// was seen (the live wait stops there).</param>
/// <param name="RecoveredSeq">The checkpoint recovered at boot, or null.</param>
/// <param name="Step">The mutator's step after recovery, or null.</param>
/// <param name="Phase">The phase the last checkpoint line after recovery started.</param>
/// <param name="MaxCommitted">The highest <c>committed</c> seq after recovery, or null.</param>
/// <param name="Floor">The floor after this boot: the highest seq known durable (the floor before it, the
/// recovered seq, every committed seq).</param>
/// <param name="Failure">Why the boot fails the campaign, or null.</param>
public sealed record CycleVerdict(
    bool RecoveryComplete,
    long? RecoveredSeq,
    long? Step,
    CheckpointPhase Phase,
    long? MaxCommitted,
    long Floor,
    string? Failure);
