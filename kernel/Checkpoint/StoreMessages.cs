using CapOS.Kernel.Diagnostics;
using CapOS.Kernel.DiskFormat;
using CapOS.Kernel.Io;

namespace CapOS.Kernel.Checkpoint;

/// <summary>The store's serial lines (docs/recovery.md "Serial lines"; boot tests and imagegen rely on them).</summary>
internal static unsafe class StoreMessages
{
    public static void Volume(VolumeHeader* volume, RecoveryResult* result)
    {
        if (result->VolumeCopyUsed)
        {
            Log.Write("store: volume header copy used (page 0: ");
            Log.Write(FormatErrors.Name(result->VolumeError));
            Log.WriteLine(")");
        }

        Log.Write("store: volume pages=");
        Log.WriteDecimal(volume->VolumePageCount);
        Log.Write(" ranges=");
        Log.WriteDecimal((ulong)volume->RangeCount);
        Log.WriteLine();
    }

    public static void Recovered(RecoveryResult* result)
    {
        Log.Write("checkpoint: recovered seq=");
        Log.WriteDecimal(result->Sequence);
        Log.Write(" slot=");
        Log.WriteDecimal((ulong)result->Slot);
        Log.Write(" log-objects=");
        Log.WriteDecimal((ulong)result->LogObjects);
        Log.Write(" restart=");
        Log.WriteDecimal((ulong)result->RestartCount);
        Log.WriteLine();
    }

    public static void CannotBoot(RecoveryResult* result)
    {
        Log.Write("store: cannot boot: ");
        switch (result->Fault)
        {
            case RecoveryFault.NoDisk:
                Log.Write("no disk");
                break;
            case RecoveryFault.DiskError:
                Log.Write("disk read error (");
                Log.Write(DiskErrorName(result->DiskError));
                Log.Write(") at page ");
                Log.WriteDecimal(result->Page);
                break;
            case RecoveryFault.VolumeHeaderInvalid:
                Pair("page 0: ", result->Error, "; page 1: ", result->OtherError);
                break;
            case RecoveryFault.NoValidCheckpoint:
                Log.Write("no valid checkpoint header (");
                Pair("LID 0: ", result->Error, "; LID 1: ", result->OtherError);
                Log.Write(")");
                break;
            default:
                Directory(result);
                break;
        }

        Log.WriteLine();
    }

    private static void Directory(RecoveryResult* result)
    {
        if (result->Fault == RecoveryFault.OutOfMemory)
        {
            Log.Write("not enough memory for the directory and the object cache");
            return;
        }

        if (result->Fault == RecoveryFault.LogImageCorrupt)
        {
            Log.Write("checkpoint ");
            Log.WriteDecimal(result->Sequence);
            Log.Write(" slot ");
            Log.WriteDecimal((ulong)result->Slot);
            Log.Write(": log image of ");
            Log.Write(result->FaultType == NodeTree.ObType.Node ? "node" : result->FaultType == NodeTree.ObType.Page ? "page" : "tag pot");
            Log.Write(" ");
            Log.WriteHexShort(result->FaultOid);
            Log.Write(" at LID ");
            Log.WriteDecimal(result->Page);
            Log.Write(" fails its CRC; its migration may have begun, so no older checkpoint is consistent");
            return;
        }

        Log.Write("checkpoint ");
        Log.WriteDecimal(result->Sequence);
        Log.Write(" slot ");
        Log.WriteDecimal((ulong)result->Slot);
        Log.Write(": directory page ");
        Log.WriteDecimal(result->Page);
        Log.Write(": ");
        Log.Write(result->Fault == RecoveryFault.DirectoryDuplicate ? "directory page: entry names an object twice" : FormatErrors.Name(result->Error));
    }

    private static void Pair(string first, FormatError a, string second, FormatError b)
    {
        Log.Write(first);
        Log.Write(FormatErrors.Name(a));
        Log.Write(second);
        Log.Write(FormatErrors.Name(b));
    }

    private static string DiskErrorName(DiskError error) => error switch
    {
        DiskError.NoDevice => "no device",
        DiskError.BadRequest => "bad request",
        DiskError.IoError => "I/O error",
        DiskError.Unsupported => "unsupported",
        DiskError.BadResponse => "bad device response",
        _ => "unknown",
    };
}
