namespace CapOS.Kernel.Checkpoint;

/// <summary>What <see cref="Checkpointer.TryCheckpointNow"/> did.</summary>
public enum CheckpointNowResult
{
    /// <summary>A snapshot was taken now (its sequence is returned; 0 if it failed).</summary>
    Taken,

    /// <summary>A checkpoint is being written: ask again when it ends.</summary>
    Busy,

    /// <summary>Checkpointing is stopped or not running: no checkpoint will come.</summary>
    Stopped,
}
