using System.Runtime.CompilerServices;
namespace CapOS.Kernel.Diagnostics;

/// <summary>
/// Loud, final stops. A kernel that finds a broken invariant stops rather than
/// risk committing corrupt state to a checkpoint (EROS SOSP'99 §3.5.1).
/// </summary>
public static class Panic
{
    /// <summary>Exit code the kernel reports to QEMU when it stops on a panic.</summary>
    public const int ExitCode = 3;

    /// <summary>Prints "PANIC: message" on the console and halts the machine.</summary>
    public static void Stop(string message)
    {
        Log.Write("PANIC: ");
        Log.WriteLine(message);
        Machine.Halt(ExitCode);
    }

    /// <summary>Stops with <paramref name="message"/> when <paramref name="condition"/> is false.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Assert(bool condition, string message)
    {
        if (!condition)
        {
            Stop(message);
        }
    }
}
