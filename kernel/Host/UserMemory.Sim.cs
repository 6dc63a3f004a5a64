using System.Runtime.InteropServices;
using CapOS.Kernel.Host;
using CapOS.Kernel.Process;

namespace CapOS.Kernel.Invocation;

/// <summary>
/// Simulated half of the user-memory seam. With a window set (<see cref="SimulatedUserWindow"/>) the current
/// process's memory is that window of bytes; without one it is the process's address space, translated by the
/// simulated MMU a page at a time and faulted in from its node tree on a miss, as the metal half does.
/// </summary>
public static unsafe partial class UserMemory
{
    private static partial bool CopyFromUser(ulong userAddress, byte* destination, ulong length)
    {
        byte[]? window = SimulatedUserWindow.Bytes;
        if (window == null)
        {
            return Copy(userAddress, destination, length, toUser: false);
        }

        if (userAddress < SimulatedUserWindow.Address || userAddress - SimulatedUserWindow.Address + length > (ulong)window.Length)
        {
            return false;
        }

        Marshal.Copy(window, (int)(userAddress - SimulatedUserWindow.Address), (nint)destination, (int)length);
        return true;
    }

    private static partial bool CopyToUser(byte* source, ulong userAddress, ulong length)
    {
        byte[]? window = SimulatedUserWindow.Bytes;
        if (window == null)
        {
            return Copy(userAddress, source, length, toUser: true);
        }

        if (userAddress < SimulatedUserWindow.Address || userAddress - SimulatedUserWindow.Address + length > (ulong)window.Length)
        {
            return false;
        }

        Marshal.Copy((nint)source, window, (int)(userAddress - SimulatedUserWindow.Address), (int)length);
        return true;
    }

    /// <summary>The metal half's page-at-a-time copy (Arch.X64/UserMemory.X64.cs), over the simulated MMU.</summary>
    private static bool Copy(ulong userAddress, byte* kernel, ulong length, bool toUser)
    {
        ProcessEntry* process = ProcessTable.Current;
        if (process == null || SimulatedMachine.Current is not SimulatedMachine machine)
        {
            return false;
        }

        ulong done = 0;
        while (done < length)
        {
            ulong address = userAddress + done;
            ulong? physical = process->AddressSpace == 0 ? null : machine.Mmu.Access(process->AddressSpace, address, toUser);
            if (physical == null && FaultIn(process, address, toUser))
            {
                physical = machine.Mmu.Access(process->AddressSpace, address, toUser);
            }

            if (physical == null)
            {
                return false;
            }

            ulong chunk = System.Math.Min(length - done, 4096 - (address & 0xFFF));
            byte* user = Machine.PhysicalToVirtual(physical.Value);
            if (toUser)
            {
                NativeMemory.Copy(kernel + done, user, (nuint)chunk);
            }
            else
            {
                NativeMemory.Copy(user, kernel + done, (nuint)chunk);
            }

            done += chunk;
        }

        return true;
    }
}

/// <summary>The user memory the simulated current process has: <see cref="Bytes"/> mapped at <see cref="Address"/> (null: its address space).</summary>
public static class SimulatedUserWindow
{
    public static ulong Address { get; set; }

    public static byte[]? Bytes { get; set; }
}
