namespace CapOS.Kernel.Invocation;

/// <summary>
/// The seam through which the kernel reads and writes the invoker's memory. The
/// range checks are portable (<see cref="IsUserRange"/>); whether each page is mapped
/// is the machine's business (Arch.X64/UserMemory.X64.cs walks the page tables;
/// Host/UserMemory.Sim.cs uses a window the test provides). docs/seam.md.
/// </summary>
public static unsafe partial class UserMemory
{
    /// <summary>First address above the user half of every address space (policy: 2^47, which every 64-bit MMU CapOS targets can map).</summary>
    public const ulong UserLimit = 0x0000800000000000;

    /// <summary>Longest string one invocation carries (EROS: a page).</summary>
    public const ulong MaxStringLength = 4096;

    /// <summary>True when [address, address+length) lies in the user half, without wrap-around.</summary>
    public static bool IsUserRange(ulong address, ulong length) =>
        length <= MaxStringLength && address < UserLimit && length <= UserLimit - address;

    private static Process.StallReason s_lastStall;

    /// <summary>
    /// Why the last failed copy failed when the page exists but cannot be had now (an object of its path whose
    /// read is in flight, a stored process's page whose checkpoint image is being written, no log room to dirty
    /// it): the invocation must stall, not fail (Stall.Add with this reason). None when the range is simply not
    /// readable or writable.
    /// </summary>
    public static Process.StallReason LastStall => s_lastStall;

    /// <summary>Copies <paramref name="length"/> bytes from the current process at <paramref name="userAddress"/>; false if any byte is not readable.</summary>
    public static bool CopyIn(ulong userAddress, byte* destination, ulong length)
    {
        s_lastStall = Process.StallReason.None;
        if (!IsUserRange(userAddress, length))
        {
            return false;
        }

        return length == 0 || CopyFromUser(userAddress, destination, length);
    }

    /// <summary>Copies to the current process; false if any byte is not writable.</summary>
    public static bool CopyOut(byte* source, ulong userAddress, ulong length)
    {
        s_lastStall = Process.StallReason.None;
        if (!IsUserRange(userAddress, length))
        {
            return false;
        }

        return length == 0 || CopyToUser(source, userAddress, length);
    }

    /// <summary>
    /// A stored process's page the kernel must read or write for an invocation is built from its node tree as a
    /// fault would (docs/process.md); one that must wait (its object's read in flight, a page being written out, no
    /// log room, a cache full of dirty objects) records why in <see cref="LastStall"/>, so that the dispatcher
    /// stalls the invoker (the invocation is restarted when it is woken) instead of failing it. Both machine halves
    /// call it when their translation misses.
    /// </summary>
    private static bool FaultIn(Process.ProcessEntry* process, ulong address, bool write)
    {
        Process.PageFaultResult result = Process.UserFaults.EnsureRoot(process)
            ? Process.AddressSpaces.HandlePageFault(process->RootFrame, Process.ProcessRoot.AddressSpace, process->AddressSpace, address, write)
            : Process.PageFaultResult.NoTables;
        s_lastStall = Process.UserFaults.StallReasonFor(result);
        return result == Process.PageFaultResult.Mapped;
    }

    private static partial bool CopyFromUser(ulong userAddress, byte* destination, ulong length);

    private static partial bool CopyToUser(byte* source, ulong userAddress, ulong length);
}
