using CapOS.Kernel.Diagnostics;
using CapOS.Kernel.Io;

namespace CapOS.Kernel.Checkpoint;

/// <summary>The running checkpoint's serial lines (docs/plug.md "Serial contract"; docs/checkpoint.md).</summary>
internal static class CheckpointMessages
{
    public static void Snapshot(ulong sequence, uint dirty, ulong pauseUs, ulong checkUs)
    {
        Log.Write("checkpoint: snapshot seq=");
        Log.WriteDecimal(sequence);
        Log.Write(" dirty=");
        Log.WriteDecimal((ulong)dirty);
        Log.Write(" pause-us=");
        Log.WriteDecimal(pauseUs);
        Log.Write(" check-us=");
        Log.WriteDecimal(checkUs);
        Log.Write(" freeze-us=");
        Log.WriteDecimal(pauseUs - checkUs);
        Log.WriteLine();
    }

    public static void Stabilize(ulong sequence) => Line("checkpoint: stabilize seq=", sequence);

    public static void Committed(ulong sequence, uint images, uint logPages, uint copies)
    {
        Log.Write("checkpoint: committed seq=");
        Log.WriteDecimal(sequence);
        Log.Write(" images=");
        Log.WriteDecimal((ulong)images);
        Log.Write(" log-pages=");
        Log.WriteDecimal((ulong)logPages);
        Log.Write(" cow=");
        Log.WriteDecimal((ulong)copies);
        Log.WriteLine();
    }

    public static void Migrate(ulong sequence) => Line("checkpoint: migrate seq=", sequence);

    public static void Migrated(ulong sequence) => Line("checkpoint: migrated seq=", sequence);

    public static void Failed(ulong sequence, string what, CheckpointError error, DiskError disk)
    {
        Log.Write("checkpoint: failed seq=");
        Log.WriteDecimal(sequence);
        Log.Write(": ");
        Log.Write(what);
        Log.Write(ErrorName(error));
        if (disk != DiskError.None)
        {
            Log.Write(" (disk error ");
            Log.WriteDecimal((ulong)disk);
            Log.Write(")");
        }

        Log.WriteLine();
    }

    public static string ErrorName(CheckpointError error) => error switch
    {
        CheckpointError.WrongPhase => "wrong phase",
        CheckpointError.NotInitialized => "not initialized",
        CheckpointError.LogFull => "log full",
        CheckpointError.UnknownOid => "unknown oid",
        CheckpointError.BadImage => "bad image",
        CheckpointError.IoError => "I/O error",
        CheckpointError.BadDirectory => "bad directory",
        _ => "none",
    };

    private static void Line(string text, ulong sequence)
    {
        Log.Write(text);
        Log.WriteDecimal(sequence);
        Log.WriteLine();
    }
}
