using CapOS.Kernel.Arch.X64;
using CapOS.Kernel.Process;

namespace CapOS.Kernel.Invocation;

/// <summary>
/// Metal half of the user-memory seam: each page of the range is translated through
/// the current process's page tables and copied through the direct map, so a bad
/// user pointer is a failed invocation, never a kernel page fault.
/// </summary>
public static unsafe partial class UserMemory
{
    private static partial bool CopyFromUser(ulong userAddress, byte* destination, ulong length) =>
        Copy(userAddress, destination, length, toUser: false);

    private static partial bool CopyToUser(byte* source, ulong userAddress, ulong length) =>
        Copy(userAddress, source, length, toUser: true);

    /// <summary>
    /// Copies <paramref name="length"/> bytes between the current process's <paramref name="userAddress"/> and
    /// <paramref name="kernel"/>, a page at a time; false (nothing promised about a partial copy) when a page
    /// is not mapped, or not writable when <paramref name="toUser"/>.
    /// </summary>
    private static bool Copy(ulong userAddress, byte* kernel, ulong length, bool toUser)
    {
        ProcessEntry* process = ProcessTable.Current;
        if (process == null)
        {
            return false;
        }

        ulong done = 0;
        while (done < length)
        {
            ulong address = userAddress + done;
            ulong physical = AddressSpace.TranslateUser(process->AddressSpace, address, toUser);
            if (physical == ulong.MaxValue && FaultIn(process, address, toUser))
            {
                physical = AddressSpace.TranslateUser(process->AddressSpace, address, toUser);
            }

            if (physical == ulong.MaxValue)
            {
                return false;
            }

            ulong chunk = System.Math.Min(length - done, Paging.PageSize - (address & 0xFFF));
            byte* user = Paging.PhysicalToVirtual(physical);
            if (toUser)
            {
                System.Runtime.InteropServices.NativeMemory.Copy(kernel + done, user, (nuint)chunk);
            }
            else
            {
                System.Runtime.InteropServices.NativeMemory.Copy(user, kernel + done, (nuint)chunk);
            }

            done += chunk;
        }

        return true;
    }
}
