using CapOS.Kernel.Diagnostics;
using CapOS.Kernel.NodeTree;
using CapOS.Kernel.ObjectCache;

namespace CapOS.Kernel.Process;

/// <summary>The process table's console lines (docs/boot.md "Serial contract").</summary>
public static unsafe class ProcessMessages
{
    /// <summary>
    /// <c>proc: &lt;pid&gt; resumed root=0x&lt;oid&gt; state=&lt;s&gt; pc=0x&lt;pc&gt;</c>, or
    /// <c>proc: cannot resume root=0x&lt;oid&gt;: &lt;why&gt;</c>.
    /// </summary>
    public static void Restarted(Oid root, LoadResult result, ProcessEntry* entry)
    {
        if (result == LoadResult.Ok)
        {
            Log.Write("proc: ");
            Log.WriteDecimal(entry->Pid);
            Log.Write(" resumed root=");
            Log.WriteHexShort(root.Value);
            Log.Write(" state=");
            Log.Write(StateName(entry->State));
            if (entry->FaultCode != FaultCode.None)
            {
                Log.Write(" fault=");
                Log.Write(FaultCode.Name(entry->FaultCode));
            }

            Log.Write(" pc=");
            Log.WriteHexShort(UserMode.ProgramCounter(entry));
            Log.WriteLine();
            return;
        }

        Log.Write("proc: cannot resume root=");
        Log.WriteHexShort(root.Value);
        Log.Write(": ");
        Log.Write(ResultName(result));
        if (result == LoadResult.Malformed)
        {
            Log.Write(" (slot ");
            Log.WriteDecimal((ulong)ProcessTable.LastIllegalSlot);
            Log.Write(")");
        }
        else if (result == LoadResult.ObjectFault)
        {
            Log.Write(" (");
            Log.Write(CacheResults.Name(ProcessTable.LastCacheResult));
            Log.Write(")");
        }

        if (ProcessTable.IsTransient(result))
        {
            Log.Write("; it stays on the restart list and is loaded later");
        }

        Log.WriteLine();
    }

    /// <summary>A short name of <paramref name="state"/>.</summary>
    public static string StateName(RunState state) => state switch
    {
        RunState.Available => "available",
        RunState.Running => "running",
        RunState.Waiting => "waiting",
        _ => "none",
    };

    private static string ResultName(LoadResult result) => result switch
    {
        LoadResult.TableFull => "process table full",
        LoadResult.ObjectFault => "object fault",
        LoadResult.Rescinded => "rescinded",
        LoadResult.Malformed => "malformed process root",
        LoadResult.NoLogSpace => "no log space",
        _ => "ok",
    };
}
