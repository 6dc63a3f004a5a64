namespace CapOS.Launcher.Fuzz;

/// <summary>The options of <c>capos fuzz</c> (docs/fuzz.md).</summary>
public sealed record FuzzRequest(uint Invocations, ulong Seed, int Fuzzers, int CheckpointIntervalMs, int HangSeconds,
    string? KeepLogs, bool NoBuild);
