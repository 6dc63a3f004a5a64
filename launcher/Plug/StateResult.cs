using CapOS.Harness;

namespace CapOS.Launcher.Plug;

/// <summary>One crash state of a power cut (docs/plug.md, "Crash states").</summary>
/// <param name="Index">0 for the working disk's state (at the cut), then 1, 2, ...</param>
/// <param name="Plan">The writes it keeps.</param>
/// <param name="Account">The plan's account (<see cref="CrashPlan.Describe"/>).</param>
/// <param name="Phase">Where the checkpoint was at its instant, read from the disk side.</param>
/// <param name="Floor">The newest valid header in it: exactly what its boot must recover.</param>
/// <param name="Verdict">Its boot's verdict; null for state 0, which the next cycle's boot judges.</param>
public sealed record StateResult(int Index, CrashPlan Plan, string Account, CheckpointPhase Phase, long Floor,
    CycleVerdict? Verdict)
{
    /// <summary>True if the state kept at least one write after its flush.</summary>
    public bool NonEmptyTail => Plan.Tail.Count > 0;

    /// <summary>Why its boot failed, or null.</summary>
    public string? Failure => Verdict?.Failure;
}
