namespace CapOS.Kernel.Checkpoint;

/// <summary>Where the migrator is in copying the current checkpoint home (docs/checkpoint.md "Migration").</summary>
public enum MigrationPhase : byte
{
    /// <summary>Nothing to migrate: the current checkpoint is migrated (or none was started).</summary>
    Idle = 0,

    /// <summary>Reading the next directory page of the checkpoint from the log.</summary>
    ReadingDirectory = 1,

    /// <summary>Copying the images that page names: read from the log, check, write home.</summary>
    Copying = 2,

    /// <summary>The flush that makes the home copies durable is in flight.</summary>
    Flushing = 3,

    /// <summary>The Migrated copy of the header is being written into the other slot.</summary>
    WritingHeader = 4,

    /// <summary>The flush after the Migrated copy is in flight; when it completes the log half is free.</summary>
    FlushingHeader = 5,

    /// <summary>The log is not what the header says (bad directory or image CRC). Fatal: see <see cref="Migrator.Error"/>.</summary>
    Failed = 6,
}
