using System;
using System.CommandLine;
using System.Threading;
using System.Threading.Tasks;

namespace CapOS.Launcher.Fuzz;

/// <summary><c>fuzz --invocations N --seed S [--fuzzers K] [--interval-ms M] [--hang-seconds H] [--keep-logs DIR] [--no-build]</c> (docs/fuzz.md).</summary>
public static class FuzzCommand
{
    /// <summary>Builds the verb; <paramref name="fuzz"/> runs it.</summary>
    public static Command Create(Func<FuzzRequest, CancellationToken, Task<int>> fuzz)
    {
        var invocations = new Option<uint>("--invocations") { Description = "Invocations per fuzzer.", DefaultValueFactory = _ => 10_000, HelpName = "n" };
        var seed = new Option<ulong>("--seed") { Description = "Seeds every fuzzer (each gets its own seed derived from it).", DefaultValueFactory = _ => 1, HelpName = "s" };
        var fuzzers = new Option<int>("--fuzzers") { Description = "Fuzzer processes (1..15).", DefaultValueFactory = _ => 2, HelpName = "k" };
        var interval = new Option<int>("--interval-ms") { Description = "The guest's checkpoint interval (kernel command line).", DefaultValueFactory = _ => 200, HelpName = "ms" };
        var hang = new Option<int>("--hang-seconds") { Description = "No fuzzer progress line for this long fails the run.", DefaultValueFactory = _ => 60, HelpName = "s" };
        var keepLogs = new Option<string?>("--keep-logs") { Description = "Where the run's description, images and serial log go (default artifacts/fuzz/seed-<s>/).", HelpName = "dir" };
        var noBuild = new Option<bool>("--no-build") { Description = "Use what is in artifacts/ without building first." };
        var command = new Command("fuzz", "Fuzz the invocation path from ring 3: random invocations and faults; judge the kernel, the checkpoints and the fuzzers' authority.")
        {
            invocations, seed, fuzzers, interval, hang, keepLogs, noBuild,
        };
        OptionRules.RequirePositive(interval);
        OptionRules.RequirePositive(hang);
        OptionRules.RequirePositive(fuzzers);
        fuzzers.Validators.Add(result =>
        {
            if (result.Tokens is [{ } token] && int.TryParse(token.Value, out int value) && value > FuzzSystem.MaxFuzzers)
            {
                result.AddError($"--fuzzers must be 1..{FuzzSystem.MaxFuzzers}");
            }
        });
        invocations.Validators.Add(result =>
        {
            if (result.Tokens is [{ } token] && token.Value == "0")
            {
                result.AddError("--invocations must be positive");
            }
        });
        command.SetAction((result, cancel) => fuzz(
            new FuzzRequest(
                Invocations: result.GetValue(invocations),
                Seed: result.GetValue(seed),
                Fuzzers: result.GetValue(fuzzers),
                CheckpointIntervalMs: result.GetValue(interval),
                HangSeconds: result.GetValue(hang),
                KeepLogs: result.GetValue(keepLogs),
                NoBuild: result.GetValue(noBuild)),
            cancel));
        return command;
    }
}
