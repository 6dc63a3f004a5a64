namespace CapOS.Launcher.Plug;

/// <summary>The options of <c>capos plug</c>, as parsed.</summary>
/// <param name="Cycles">Boots to run.</param>
/// <param name="Seed">Seeds every random choice.</param>
/// <param name="Image">The disk image, or null for the workload's (artifacts/images/plug.img or mutator.img).</param>
/// <param name="KeepLogs">Where a failing cycle is kept, or null for artifacts/plug/seed-S-mode/.</param>
/// <param name="Mode">Kill, power, write or mixed.</param>
/// <param name="CheckpointIntervalMs">The guest's checkpoint interval.</param>
/// <param name="Deterministic">Boot with QEMU's instruction counting (guest time counts instructions).</param>
/// <param name="NoBuild">Skip the build step.</param>
/// <param name="States">Crash states per power cut.</param>
/// <param name="Workload">User (ring-3 processes, plug.img) or kernel (the in-kernel mutator, mutator.img).</param>
public sealed record PlugRequest(
    int Cycles,
    ulong Seed,
    string? Image,
    string? KeepLogs,
    PlugMode Mode,
    int CheckpointIntervalMs,
    bool Deterministic,
    bool NoBuild,
    int States = PlugSettings.DefaultStates,
    PlugWorkload Workload = PlugWorkload.User);
