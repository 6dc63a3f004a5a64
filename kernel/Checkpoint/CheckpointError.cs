namespace CapOS.Kernel.Checkpoint;

/// <summary>Why a checkpoint operation was refused or failed (docs/checkpoint.md).</summary>
public enum CheckpointError : byte
{
    None = 0,

    /// <summary>The call does not fit the current phase (e.g. AddPage while not Collecting).</summary>
    WrongPhase = 1,

    /// <summary>No current checkpoint was adopted (<see cref="Generation.Adopt"/>) or the writer has no workspace.</summary>
    NotInitialized = 2,

    /// <summary>The images and directory would not fit in one log half or in the writer's workspace: checkpoint now.</summary>
    LogFull = 3,

    /// <summary>The OID is in no object range of the right kind, or a pot is not at its place.</summary>
    UnknownOid = 4,

    /// <summary>A node pot or tag pot image fails its format check, or a logged image fails its CRC.</summary>
    BadImage = 5,

    /// <summary>A disk request failed; the DiskError is in LastDiskError.</summary>
    IoError = 6,

    /// <summary>A directory page read back from the log fails DirectoryPage.Validate or names an impossible home.</summary>
    BadDirectory = 7,
}
