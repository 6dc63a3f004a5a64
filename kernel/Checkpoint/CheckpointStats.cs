namespace CapOS.Kernel.Checkpoint;

/// <summary>
/// Counters of the checkpoint writer and migrator since <see cref="CheckpointWriter.Initialize"/>
/// (docs/checkpoint.md "Figures"). Written only by the writer and the migrator; read by anyone.
/// </summary>
public struct CheckpointStats
{
    /// <summary>Checkpoints committed (header flushed).</summary>
    public ulong Committed;

    /// <summary>Checkpoints whose stabilization failed and were aborted.</summary>
    public ulong Aborted;

    /// <summary>Checkpoints migrated (Migrated header copy flushed).</summary>
    public ulong Migrated;

    /// <summary>Image pages written to the log.</summary>
    public ulong ImagesWritten;

    /// <summary>Directory pages written to the log.</summary>
    public ulong DirectoryPagesWritten;

    /// <summary>Header pages written (commit and Migrated copies, retries included).</summary>
    public ulong HeadersWritten;

    /// <summary>Pages read back from the log by migration (images and directory pages).</summary>
    public ulong LogPagesRead;

    /// <summary>Home pages written by migration.</summary>
    public ulong HomePagesWritten;

    /// <summary>Read requests of migration (a directory page, or a run of images: Migrator I4).</summary>
    public ulong LogReads;

    /// <summary>Home write requests of migration (a run of images each: Migrator I4).</summary>
    public ulong HomeWrites;

    /// <summary>Flush requests completed.</summary>
    public ulong Flushes;

    /// <summary>Requests resubmitted after an I/O error (header writes, flushes, migration copies).</summary>
    public ulong Retries;

    /// <summary>Calls of the pump (a proxy for elapsed time on the host).</summary>
    public ulong Pumps;

    /// <summary>Largest number of writer plus migrator requests in flight at once.</summary>
    public uint MaxInFlight;
}
