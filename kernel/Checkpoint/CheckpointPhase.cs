namespace CapOS.Kernel.Checkpoint;

/// <summary>
/// Where the checkpoint writer is in one checkpoint's life (docs/checkpoint.md
/// "Theory of operation"; EROS SOSP'99 §3.5, KeyKOS checkpoint phases).
/// </summary>
public enum CheckpointPhase : byte
{
    /// <summary>No checkpoint in progress; <see cref="CheckpointWriter.Begin"/> starts one.</summary>
    Idle = 0,

    /// <summary>The snapshot hands its images to the writer (AddPage, AddNodePot, AddTagPot); no I/O yet.</summary>
    Collecting = 1,

    /// <summary>Images and directory pages are being written to the log, many requests in flight.</summary>
    Stabilizing = 2,

    /// <summary>Everything is written; waiting until the previous checkpoint is migrated (rule R2).</summary>
    AwaitingMigration = 3,

    /// <summary>The flush that makes the images and directory durable is in flight.</summary>
    FlushingLog = 4,

    /// <summary>The new header is being written into the slot not holding the current one.</summary>
    WritingHeader = 5,

    /// <summary>The flush after the header is in flight; when it completes the checkpoint is committed.</summary>
    FlushingHeader = 6,

    /// <summary>Stabilization failed (see <see cref="CheckpointWriter.Error"/>); nothing was committed. Abort, then retry.</summary>
    Failed = 7,
}
