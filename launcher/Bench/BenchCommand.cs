using System;
using System.CommandLine;
using System.Threading;
using System.Threading.Tasks;

namespace CapOS.Launcher.Bench;

/// <summary><c>bench checkpoint|faults|ipc|lmbench [--runs N] [--deterministic] [--no-build]</c> (docs/bench.md).</summary>
public static class BenchCommand
{
    /// <summary>Runs per phase unless <c>--runs</c> says otherwise.</summary>
    public const int DefaultRuns = 3;

    /// <summary>Builds the verb; <paramref name="bench"/> runs <c>bench checkpoint</c>, <c>bench faults</c> or <c>bench ipc</c>.</summary>
    public static Command Create(Func<BenchRequest, CancellationToken, Task<int>> bench) =>
        new("bench", "Benchmarks that print figures (never pass/fail on time).")
        {
            Suite(bench, BenchSuite.Checkpoint, "checkpoint",
                "Measure the raw disk, the checkpoint (snapshot pause, stabilization, migration) and recovery time in QEMU; print one table."),
            Suite(bench, BenchSuite.Faults, "faults",
                "Measure page faults of a stored ring-3 process and the time from QEMU start to that process running; print one table."),
            Suite(bench, BenchSuite.Ipc, "ipc",
                "Measure the null invocation, IPC round trips and their halves, and faults rebuilding an entry; print one table."),
            Suite(bench, BenchSuite.Lmbench, "lmbench",
                "Run CapOS's lmbench-equivalent rows and Linux lmbench in a Debian guest under the same QEMU flags; print one table and write artifacts/bench/lmbench.svg."),
        };

    private static Command Suite(Func<BenchRequest, CancellationToken, Task<int>> bench, BenchSuite suite, string name, string description)
    {
        var runs = new Option<int>("--runs") { Description = "Boots per phase; figures are their median, min and max.", DefaultValueFactory = _ => DefaultRuns, HelpName = "n" };
        var deterministic = new Option<bool>("--deterministic") { Description = "QEMU -icount shift=0: guest figures are instruction counts at 1 ns each." };
        var noBuild = new Option<bool>("--no-build") { Description = "Use what is in artifacts/ without building first." };
        OptionRules.RequirePositive(runs);
        var command = new Command(name, description) { runs, deterministic, noBuild };
        command.SetAction((result, cancel) => bench(
            new BenchRequest(result.GetValue(runs), result.GetValue(deterministic), result.GetValue(noBuild)) { Suite = suite }, cancel));
        return command;
    }
}
