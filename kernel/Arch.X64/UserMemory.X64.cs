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
    private static partial bool CopyFromUser(ulong userAddress, byte* destination, ulong length)
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
            ulong physical = AddressSpace.TranslateUser(process->AddressSpace, address, false);
            if (physical == ulong.MaxValue)
            {
                return false;
            }

            ulong chunk = System.Math.Min(length - done, Paging.PageSize - (address & 0xFFF));
            System.Runtime.InteropServices.NativeMemory.Copy(Paging.PhysicalToVirtual(physical), destination + done, (nuint)chunk);
            done += chunk;
        }

        return true;
    }

    private static partial bool CopyToUser(byte* source, ulong userAddress, ulong length)
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
            ulong physical = AddressSpace.TranslateUser(process->AddressSpace, address, true);
            if (physical == ulong.MaxValue)
            {
                return false;
            }

            ulong chunk = System.Math.Min(length - done, Paging.PageSize - (address & 0xFFF));
            System.Runtime.InteropServices.NativeMemory.Copy(source + done, Paging.PhysicalToVirtual(physical), (nuint)chunk);
            done += chunk;
        }

        return true;
    }
}
