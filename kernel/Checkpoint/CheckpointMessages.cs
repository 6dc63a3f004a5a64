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

    /// <summary>K4: <c>checkpoint: write error seq=N what=&lt;log|directory|header|migrate&gt; try=t (disk error e)</c>.</summary>
    public static void WriteError(ulong sequence, string what, uint attempt, DiskError disk)
    {
        Log.Write("checkpoint: write error seq=");
        Log.WriteDecimal(sequence);
        Log.Write(" what=");
        Log.Write(what);
        Log.Write(" try=");
        Log.WriteDecimal((ulong)attempt);
        Log.Write(" (disk error ");
        Log.WriteDecimal((ulong)disk);
        Log.WriteLine(")");
    }

    /// <summary>K4: <c>checkpoint: stopped seq=N: &lt;what&gt;[: &lt;error&gt;][ (disk error e)][ after t tries]; last committed seq=M</c>.</summary>
    public static void Stopped(ulong sequence, StopReason what, CheckpointError error, DiskError disk, uint tries, ulong committed)
    {
        Log.Write("checkpoint: stopped seq=");
        Log.WriteDecimal(sequence);
        Log.Write(": ");
        Log.Write(StopName(what));
        if (error != CheckpointError.None)
        {
            Log.Write(": ");
            Log.Write(ErrorName(error));
        }

        if (disk != DiskError.None)
        {
            Log.Write(" (disk error ");
            Log.WriteDecimal((ulong)disk);
            Log.Write(")");
        }

        if (tries != 0)
        {
            Log.Write(" after ");
            Log.WriteDecimal((ulong)tries);
            Log.Write(" tries");
        }

        Log.Write("; last committed seq=");
        Log.WriteDecimal(committed);
        Log.WriteLine();
    }

    public static string StopName(StopReason reason) => reason switch
    {
        StopReason.LogWrite => "log write",
        StopReason.DirectoryWrite => "directory write",
        StopReason.LogFlush => "log flush",
        StopReason.HeaderWrite => "header write",
        StopReason.Migration => "migration",
        StopReason.MigrationAtBoot => "migration at boot",
        StopReason.ConsistencyCheck => "consistency check failed",
        StopReason.ProcessWriteBack => "process write-back",
        _ => "none",
    };

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
