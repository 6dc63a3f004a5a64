using CapOS.Harness;

namespace CapOS.Launcher;

/// <summary>
/// The launcher's exit codes. <c>capos run</c> returns the guest's isa-debug-exit value when there is one
/// (QEMU status (v&lt;&lt;1)|1 mapped back to v); the codes below are for the other endings and are chosen
/// above the values the kernel uses (0 = clean, 3 = panic).
/// </summary>
public static class LauncherExitCodes
{
    /// <summary>The build failed, or an artifact is missing.</summary>
    public const int BuildFailed = 1;

    /// <summary>Bad command line.</summary>
    public const int Usage = 2;

    /// <summary>QEMU ended without a guest value: the guest shut down or reset (triple fault).</summary>
    public const int NoGuestValue = 123;

    /// <summary>The <c>--timeout</c> expired; QEMU was killed.</summary>
    public const int Timeout = 124;

    /// <summary>QEMU failed (bad arguments, a missing file, an accelerator error) or was killed.</summary>
    public const int QemuFailed = 125;

    /// <summary>Interrupted by Ctrl-C.</summary>
    public const int Interrupted = 130;

    /// <summary>The launcher's exit code for how QEMU ended.</summary>
    public static int From(QemuExit exit) =>
        exit.Kind switch
        {
            QemuExitKind.GuestExit => exit.GuestValue,
            QemuExitKind.NoGuestValue => NoGuestValue,
            _ => QemuFailed,
        };
}
