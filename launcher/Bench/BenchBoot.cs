using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.RegularExpressions;
using System.Threading;
using System.Threading.Tasks;
using CapOS.Harness;
using CapOS.Launcher.Plug;

namespace CapOS.Launcher.Bench;

/// <summary>The QEMU side shared by the phases: start a boot, end it, judge how it ended, keep the evidence.</summary>
public static class BenchBoot
{
    private static readonly TimeSpan DrainLimit = TimeSpan.FromSeconds(2);

    /// <summary>The first line that fails a boot (docs/plug.md's failure lines: a refused recovery, a broken
    /// invariant, a failed check or checkpoint, a panic, a kernel exception), or null.</summary>
    public static string? FailureLine(IReadOnlyList<string> lines) =>
        lines.FirstOrDefault(line => PlugLines.Failure().IsMatch(line));

    /// <summary>The line <paramref name="goalPattern"/> (a regular expression), a process parked by a fault, or any
    /// failure line: what a benchmark boot of a stored ring-3 program waits for.</summary>
    public static Regex Settled(string goalPattern) =>
        new($"^({goalPattern}|fault: process |store: cannot boot:|checkpoint: check failed:|checkpoint: failed|PANIC:|EXCEPTION )",
            RegexOptions.CultureInvariant);

    /// <summary>Boots <paramref name="options"/>, waits until QEMU ends by itself (the command line says
    /// <c>exit-when-idle</c>), and reads the whole serial log. A boot that does not end, or ends with another
    /// guest value than 0, failed.</summary>
    public static async Task<BootReading<T>> RunToExitAsync<T>(QemuOptions options, TimeSpan limit,
        Func<IReadOnlyList<string>, BootReading<T>> read, CancellationToken cancel)
        where T : class
    {
        QemuMachine machine = await QemuMachine.StartAsync(options, cancel: cancel).ConfigureAwait(false);
        await using (machine.ConfigureAwait(false))
        {
            QemuExit exit;
            try
            {
                exit = await machine.WaitForExitAsync(limit, cancel).ConfigureAwait(false);
            }
            catch (TimeoutException)
            {
                await machine.KillAsync().ConfigureAwait(false);
                return WithEvidence(BootReading<T>.Failed($"the boot did not end within {limit.TotalSeconds:0} s"), machine);
            }
            await machine.Serial.WaitForCloseAsync(DrainLimit).ConfigureAwait(false);
            BootReading<T> reading = read(machine.Serial.Lines);
            if (reading.Failure is null && !(exit.Kind == QemuExitKind.GuestExit && exit.GuestValue == 0))
            {
                reading = BootReading<T>.Failed($"QEMU ended with {exit.Message}");
            }
            return reading.Failure is null ? reading : WithEvidence(reading, machine);
        }
    }

    /// <summary>Attaches the machine's serial log and QEMU report to a failed reading.</summary>
    public static BootReading<T> WithEvidence<T>(BootReading<T> reading, QemuMachine machine)
        where T : class =>
        reading with { Evidence = $"--- serial console ---\n{machine.Serial.Log}--- end of serial console ---\n{machine.Describe()}" };
}
