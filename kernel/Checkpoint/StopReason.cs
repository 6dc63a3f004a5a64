namespace CapOS.Kernel.Checkpoint;

/// <summary>What gave up when checkpointing stopped (K4; docs/checkpoint.md "Errors"); names: CheckpointMessages.StopName.</summary>
public enum StopReason : byte
{
    None = 0,

    /// <summary>An image write to the log (writer I6).</summary>
    LogWrite,

    /// <summary>A directory page write (writer I6).</summary>
    DirectoryWrite,

    /// <summary>The log flush before the header (writer I6).</summary>
    LogFlush,

    /// <summary>The header write or the flush after it (writer I5).</summary>
    HeaderWrite,

    /// <summary>Migration after a commit (Migrator I3).</summary>
    Migration,

    /// <summary>The boot's redo of migration (Migrator I3).</summary>
    MigrationAtBoot,

    /// <summary>A failed consistency check (Checkpointer I3).</summary>
    ConsistencyCheck,

    /// <summary>A process could not be written back before the snapshot (Reservation I3: a kernel bug).</summary>
    ProcessWriteBack,
}
