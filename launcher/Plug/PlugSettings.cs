using System;

namespace CapOS.Launcher.Plug;

/// <summary>A campaign's parameters, resolved (paths absolute).</summary>
/// <param name="Cycles">Boots to run (then one more that only recovers and commits).</param>
/// <param name="Seed">Seeds every random choice.</param>
/// <param name="Mode">Kill, power, write or mixed.</param>
/// <param name="Image">The disk image; the campaign works on a copy and never writes it.</param>
/// <param name="KeepLogs">Where a failing cycle's logs and images are kept.</param>
/// <param name="CheckpointIntervalMs">The guest's checkpoint interval (kernel command line).</param>
/// <param name="BootLimit">How long a boot may take to settle recovery.</param>
/// <param name="States">Crash states built and booted per power cut (the first carries on as the working disk).</param>
/// <param name="Workload">What runs on the disk: the ring-3 processes of plug.img or the in-kernel mutator.</param>
public sealed record PlugSettings(int Cycles, ulong Seed, PlugMode Mode, string Image, string KeepLogs,
    int CheckpointIntervalMs, TimeSpan BootLimit, int States = PlugSettings.DefaultStates, PlugWorkload Workload = PlugWorkload.User)
{
    /// <summary>Crash states per power cut unless told otherwise.</summary>
    public const int DefaultStates = 4;
}
