using System;
using System.Linq;

namespace CapOS.Harness;

/// <summary>How a QEMU run ended.</summary>
public enum QemuExitKind
{
    /// <summary>The guest wrote a value v to the isa-debug-exit port; QEMU's status was (v&lt;&lt;1)|1.</summary>
    GuestExit,

    /// <summary>QEMU ended with status 0: the guest shut down or reset (with -no-reboot, a triple fault
    /// ends QEMU this way), or QMP <c>quit</c>. There is no guest value.</summary>
    NoGuestValue,

    /// <summary>QEMU was killed by a signal (by the harness, or from outside).</summary>
    Killed,

    /// <summary>QEMU itself failed: bad arguments, a missing file, an accelerator error.</summary>
    QemuFailed,
}

/// <summary>
/// QEMU's exit status interpreted. The isa-debug-exit device makes every guest value an odd status, so
/// status 1 is ambiguous: guest value 0, or a QEMU error (QEMU prints "qemu-system-x86_64: ..." on stderr
/// for those). A process killed by signal s shows as 128+s on .NET; the harness knows when it killed.
/// </summary>
public sealed record QemuExit(QemuExitKind Kind, int Status, int GuestValue, string Message)
{
    /// <summary>Interprets a status.</summary>
    /// <param name="status">Process exit code as .NET reports it (128+signal if signalled).</param>
    /// <param name="killedByHarness">Whether the harness sent the kill.</param>
    /// <param name="qemuOutput">QEMU's own stdout and stderr.</param>
    public static QemuExit Interpret(int status, bool killedByHarness, string qemuOutput)
    {
        if (killedByHarness)
        {
            return new QemuExit(QemuExitKind.Killed, status, 0, "QEMU was killed by the harness");
        }
        string? error = ErrorLine(qemuOutput);
        if (status == 0)
        {
            return new QemuExit(QemuExitKind.NoGuestValue, 0, 0,
                "QEMU ended without a guest exit value (guest shutdown or reset, e.g. a triple fault, or quit)");
        }
        if ((status & 1) == 1 && !(status == 1 && error is not null))
        {
            int value = status >> 1;
            return new QemuExit(QemuExitKind.GuestExit, status, value, $"guest exit value {value}");
        }
        if (status > 128 && error is null)
        {
            return new QemuExit(QemuExitKind.Killed, status, 0, $"QEMU was killed by signal {status - 128}");
        }
        return new QemuExit(QemuExitKind.QemuFailed, status, 0,
            $"QEMU failed (status {status}){(error is null ? "" : ": " + error)}");
    }

    /// <summary>The first line of QEMU's output that reports an error (warnings and the "waiting for
    /// connection" notice are not errors), or null.</summary>
    public static string? ErrorLine(string qemuOutput) =>
        qemuOutput.Split('\n')
            .Select(line => line.TrimEnd('\r'))
            .FirstOrDefault(line =>
                (line.StartsWith("qemu", StringComparison.Ordinal) || line.Contains("error", StringComparison.OrdinalIgnoreCase))
                && !line.Contains("warning:", StringComparison.Ordinal)
                && !line.Contains("waiting for connection", StringComparison.OrdinalIgnoreCase)
                && !line.Contains("terminating on signal", StringComparison.Ordinal));
}
