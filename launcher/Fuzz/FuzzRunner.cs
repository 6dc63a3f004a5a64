using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Threading;
using System.Threading.Tasks;
using CapOS.Harness;

namespace CapOS.Launcher.Fuzz;

/// <summary>
/// Boots a fuzz image under QEMU and feeds its serial lines to a <see cref="FuzzJudge"/> until the run is
/// complete, failed, or hung (docs/fuzz.md "Theory of operation"); then kills QEMU: the disk holds the last
/// committed checkpoint, which the judge saw commit after every fuzzer was done.
/// </summary>
public static class FuzzRunner
{
    private static readonly TimeSpan Tick = TimeSpan.FromMilliseconds(100);

    /// <summary>Runs <paramref name="options"/>; <paramref name="progress"/> is told the judge's state every tick.</summary>
    public static async Task<(FuzzJudge Judge, string Log)> RunAsync(QemuOptions options, int fuzzers, TimeSpan hangLimit,
        string logPath, Action<FuzzJudge>? progress, CancellationToken cancel)
    {
        var judge = new FuzzJudge(fuzzers, hangLimit);
        var clock = Stopwatch.StartNew();
        QemuMachine machine = await QemuMachine.StartAsync(options, cancel: cancel).ConfigureAwait(false);
        await using (machine.ConfigureAwait(false))
        {
            int cursor = 0;
            while (!cancel.IsCancellationRequested)
            {
                IReadOnlyList<string> lines = machine.Serial.Lines;
                var fresh = new List<string>();
                for (; cursor < lines.Count; cursor++)
                {
                    judge.OnLine(lines[cursor], clock.Elapsed);
                    fresh.Add(lines[cursor]);
                }

                await File.AppendAllLinesAsync(logPath, fresh, CancellationToken.None).ConfigureAwait(false); // readable while it runs

                judge.OnTime(clock.Elapsed);
                progress?.Invoke(judge);
                if (judge.Complete || judge.Failure is not null)
                {
                    break;
                }

                if (!machine.IsRunning)
                {
                    IReadOnlyList<string> last = machine.Serial.Lines;
                    for (; cursor < last.Count; cursor++)
                    {
                        judge.OnLine(last[cursor], clock.Elapsed);
                    }

                    judge.OnExit("QEMU exited");
                    break;
                }

                try
                {
                    await Task.Delay(Tick, cancel).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    break;
                }
            }

            if (judge.Failure is not null && judge.Failure.StartsWith("hang", StringComparison.Ordinal) && machine.IsRunning)
            {
                string diagnosis = await machine.DiagnoseAsync().ConfigureAwait(false);
                await machine.KillAsync().ConfigureAwait(false);
                return (judge, machine.Serial.Log + "\n--- diagnosis ---\n" + diagnosis);
            }

            await machine.KillAsync().ConfigureAwait(false);
            return (judge, machine.Serial.Log);
        }
    }
}
