using System.Runtime.InteropServices;

namespace CapOS.Kernel.Invocation;

/// <summary>
/// Simulated half of the user-memory seam: the current process's memory is one window
/// of bytes at a user address that the test sets up (<see cref="SimulatedUserWindow"/>).
/// </summary>
public static unsafe partial class UserMemory
{
    private static partial bool CopyFromUser(ulong userAddress, byte* destination, ulong length)
    {
        byte[]? window = SimulatedUserWindow.Bytes;
        if (window == null || userAddress < SimulatedUserWindow.Address || userAddress - SimulatedUserWindow.Address + length > (ulong)window.Length)
        {
            return false;
        }

        Marshal.Copy(window, (int)(userAddress - SimulatedUserWindow.Address), (nint)destination, (int)length);
        return true;
    }

    private static partial bool CopyToUser(byte* source, ulong userAddress, ulong length)
    {
        byte[]? window = SimulatedUserWindow.Bytes;
        if (window == null || userAddress < SimulatedUserWindow.Address || userAddress - SimulatedUserWindow.Address + length > (ulong)window.Length)
        {
            return false;
        }

        Marshal.Copy((nint)source, window, (int)(userAddress - SimulatedUserWindow.Address), (int)length);
        return true;
    }
}

/// <summary>The user memory the simulated current process has: <see cref="Bytes"/> mapped at <see cref="Address"/>.</summary>
public static class SimulatedUserWindow
{
    public static ulong Address { get; set; }

    public static byte[]? Bytes { get; set; }
}
