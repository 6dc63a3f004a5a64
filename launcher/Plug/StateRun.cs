namespace CapOS.Launcher.Plug;

/// <summary>A crash state's boot as run, for a failure report.</summary>
/// <param name="State">The state and its verdict.</param>
/// <param name="Run">The boot.</param>
public sealed record StateRun(StateResult State, CycleRun Run);
