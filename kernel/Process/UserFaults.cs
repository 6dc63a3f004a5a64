using CapOS.Kernel.Diagnostics;
using CapOS.Kernel.ObjectCache;

namespace CapOS.Kernel.Process;

/// <summary>
/// What happens when a stored process faults (docs/process.md "Page faults"): a page fault is translated
/// from its node tree (<see cref="AddressSpaces"/>); one the tree cannot satisfy, and every other exception,
/// parks the process with a console line naming process, address and cause (keepers arrive with issue 11);
/// one that must wait (an object whose read is in flight, a page being written out, no log room) stalls it, and
/// it executes the faulting instruction again when woken. The kernel never stops for a user fault.
/// </summary>
public static unsafe class UserFaults
{
    /// <summary>
    /// A page fault at <paramref name="address"/> by <paramref name="process"/> (a stored process, its registers
    /// saved in its context). Mapped: resume it; any other answer parked or stalled it (the caller runs the next process).
    /// </summary>
    public static PageFaultResult OnPageFault(ProcessEntry* process, ulong address, bool isWrite)
    {
        PageFaultResult result = EnsureRoot(process)
            ? AddressSpaces.HandlePageFault(process->RootFrame, ProcessRoot.AddressSpace, process->AddressSpace, address, isWrite)
            : PageFaultResult.NoTables;
        switch (result)
        {
            case PageFaultResult.Mapped:
                break;
            case PageFaultResult.StallImageWrite:
            case PageFaultResult.StallLogSpace:
            case PageFaultResult.StallObject when StallReasonFor(result) != StallReason.None:
                Stall.Add(process, StallReasonFor(result));
                break;
            default:
                uint code = result == PageFaultResult.AccessFault ? FaultCode.AccessViolation
                    : result == PageFaultResult.InvalidAddress ? FaultCode.InvalidAddress : FaultCode.ObjectUnavailable;
                bool toSegmentKeeper = code != FaultCode.ObjectUnavailable && Invocation.Keepers.OnSegmentFault(process, code, address,
                    AddressSpaces.LastKeeper, AddressSpaces.LastKeeperBase, AddressSpaces.LastKeeperKeyData);
                if (!toSegmentKeeper && !Invocation.Keepers.OnFault(process, code, address))
                {
                    Report(process, code, address, Detail(result, isWrite));
                    ProcessTable.Park(process, code, address);
                }

                break;
        }

        return result;
    }

    /// <summary>
    /// The stall queue for a page fault's answer (<see cref="AddressSpaces.HandlePageFault"/>), None when it is not a
    /// reason to wait: a page being written out, no log room, an object whose read is in flight (queued on that read)
    /// or a cache full of dirty objects (queued on the checkpoint). The kernel's copies through a process's memory
    /// (Invocation.UserMemory) answer the same way.
    /// </summary>
    public static StallReason StallReasonFor(PageFaultResult result) => result switch
    {
        PageFaultResult.StallImageWrite => StallReason.ImageWrite,
        PageFaultResult.StallLogSpace => StallReason.LogSpace,
        PageFaultResult.StallObject => Stall.ReasonFor(AddressSpaces.LastCause),
        _ => StallReason.None,
    };

    /// <summary>A processor exception other than a page fault (vector <paramref name="vector"/>): parked, with its line.</summary>
    public static void OnException(ProcessEntry* process, ulong vector, string mnemonic)
    {
        if (!Invocation.Keepers.OnFault(process, FaultCode.Exception, vector))
        {
            Report(process, FaultCode.Exception, vector, mnemonic);
            ProcessTable.Park(process, FaultCode.Exception, vector);
        }
    }

    private static string Detail(PageFaultResult result, bool isWrite) => result switch
    {
        PageFaultResult.NoTables => isWrite ? " (write; no page tables)" : " (read; no page tables)",
        PageFaultResult.StallObject => isWrite ? " (write; object fault)" : " (read; object fault)",
        _ => isWrite ? " (write)" : " (read)",
    };

    /// <summary>Makes sure <paramref name="process"/> has a hardware address-space root; false when the pool has none.</summary>
    public static bool EnsureRoot(ProcessEntry* process)
    {
        if (process->AddressSpace == 0)
        {
            process->AddressSpace = AddressSpaces.CreateRoot();
        }

        return process->AddressSpace != 0;
    }

    /// <summary><c>fault: process &lt;pid&gt; root=0x.. &lt;cause&gt; 0x&lt;info&gt;&lt;detail&gt; pc=0x..; parked</c>.</summary>
    private static void Report(ProcessEntry* process, uint code, ulong info, string detail)
    {
        Log.Write("fault: process ");
        Log.WriteDecimal(process->Pid);
        Log.Write(" root=");
        Log.WriteHexShort(process->Root.Value);
        Log.Write(" ");
        Log.Write(FaultCode.Name(code));
        Log.Write(" ");
        if (code == FaultCode.Exception)
        {
            Log.Write(detail);
            Log.Write(" vector=");
            Log.WriteDecimal(info);
        }
        else
        {
            Log.WriteHexShort(info);
            Log.Write(detail);
            if (code == FaultCode.ObjectUnavailable && AddressSpaces.LastCause != CacheResult.Ok)
            {
                Log.Write(": ");
                Log.Write(CacheResults.Name(AddressSpaces.LastCause));
            }
        }

        Log.Write(" pc=");
        Log.WriteHexShort(UserMode.ProgramCounter(process));
        Log.WriteLine("; parked");
    }
}
