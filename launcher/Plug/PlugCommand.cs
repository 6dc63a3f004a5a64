using System;
using System.CommandLine;
using System.Threading;
using System.Threading.Tasks;

namespace CapOS.Launcher.Plug;

/// <summary><c>plug --cycles N --seed S [--image IMG] [--keep-logs DIR] [--mode kill|power|write|mixed]
/// [--workload user|kernel|services] [--interval-ms K] [--states K] [--deterministic] [--no-build]</c> (docs/plug.md).</summary>
public static class PlugCommand
{
    /// <summary>Builds the verb; <paramref name="plug"/> runs it.</summary>
    public static Command Create(Func<PlugRequest, CancellationToken, Task<int>> plug)
    {
        var cycles = new Option<int>("--cycles") { Description = "Boots to run.", DefaultValueFactory = _ => 10, HelpName = "n" };
        var seed = new Option<ulong>("--seed") { Description = "Seeds the cut instants, modes and crash images.", DefaultValueFactory = _ => 1, HelpName = "s" };
        var image = new Option<string?>("--image") { Description = "The disk image (default artifacts/images/plug.img, mutator.img for --workload kernel); only a copy is written.", HelpName = "img" };
        var workload = new Option<PlugWorkload>("--workload")
        {
            Description = "user (ring-3 processes that resume after every recovery), kernel (the in-kernel mutator) or services (space bank and pipe with their clients).",
            DefaultValueFactory = _ => PlugWorkload.User,
            HelpName = "user|kernel|services",
        };
        var keepLogs = new Option<string?>("--keep-logs") { Description = "Where a failing cycle's serial log, report and images go (default artifacts/plug/seed-<s>-<mode>/).", HelpName = "dir" };
        var mode = new Option<PlugMode>("--mode")
        {
            Description = "kill (SIGKILL), power (blklogwrites + crash image), write (blkdebug fails write N), or mixed.",
            DefaultValueFactory = _ => PlugMode.Mixed,
            HelpName = "kill|power|write|mixed",
        };
        var interval = new Option<int>("--interval-ms") { Description = "The guest's checkpoint interval (kernel command line).", DefaultValueFactory = _ => 100, HelpName = "ms" };
        var deterministic = new Option<bool>("--deterministic") { Description = "QEMU -icount shift=0: guest time counts instructions (cut instants stay host-timed)." };
        var noBuild = new Option<bool>("--no-build") { Description = "Use what is in artifacts/ without building first." };
        var states = new Option<int>("--states")
        {
            Description = "Crash states built from each power cut's write log and booted (the first carries on).",
            DefaultValueFactory = _ => PlugSettings.DefaultStates,
            HelpName = "k",
        };
        var command = new Command("plug", "Pull the plug: boot, let the checkpoint run, cut at a seeded instant, recover; repeat and check every recovery.")
        {
            cycles, seed, image, keepLogs, mode, workload, interval, states, deterministic, noBuild,
        };
        OptionRules.RequirePositive(cycles);
        OptionRules.RequirePositive(interval);
        OptionRules.RequirePositive(states);
        command.SetAction((result, cancel) => plug(
            new PlugRequest(
                Cycles: result.GetValue(cycles),
                Seed: result.GetValue(seed),
                Image: result.GetValue(image),
                KeepLogs: result.GetValue(keepLogs),
                Mode: result.GetValue(mode),
                CheckpointIntervalMs: result.GetValue(interval),
                Deterministic: result.GetValue(deterministic),
                NoBuild: result.GetValue(noBuild),
                States: result.GetValue(states),
                Workload: result.GetValue(workload)),
            cancel));
        return command;
    }
}
