namespace CapOS.Launcher.Bench;

/// <summary>The options of <c>capos bench checkpoint|faults|ipc</c>, as parsed.</summary>
/// <param name="Runs">Boots per phase (the recovery phase boots twice per run).</param>
/// <param name="Deterministic">Boot with QEMU's instruction counting (guest time counts instructions).</param>
/// <param name="NoBuild">Skip the build step.</param>
public sealed record BenchRequest(int Runs, bool Deterministic, bool NoBuild)
{
    /// <summary>The sub-verb: which phases run.</summary>
    public BenchSuite Suite { get; init; } = BenchSuite.Checkpoint;
}
