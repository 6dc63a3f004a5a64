namespace CapOS.Launcher.Plug;

/// <summary>How a cycle of the power-loss campaign cuts the machine (docs/plug.md, "Modes").</summary>
public enum PlugMode
{
    /// <summary>SIGKILL of QEMU: a process crash, every completed write survives.</summary>
    Kill,

    /// <summary>SIGKILL while blklogwrites records, then a crash image: the durable prefix up to the last
    /// flush plus a random, reordered, possibly torn subset of the later writes.</summary>
    Power,

    /// <summary>blkdebug fails write N (seeded), the device stops the machine, then SIGKILL.</summary>
    Write,

    /// <summary>Each cycle draws one of the three above.</summary>
    Mixed,
}

/// <summary>Where the checkpoint was when the cut came: the last checkpoint line the guest printed before it
/// (docs/plug.md, "Phases").</summary>
public enum CheckpointPhase
{
    /// <summary>No checkpoint under way: nothing since recovery, or the last line was <c>migrated</c>.</summary>
    Idle,

    /// <summary>After <c>snapshot</c>, before <c>stabilize</c>.</summary>
    Snapshot,

    /// <summary>After <c>stabilize</c> (log writes, then the header write), before <c>committed</c>.</summary>
    Stabilize,

    /// <summary>After <c>committed</c>, before <c>migrate</c>.</summary>
    Commit,

    /// <summary>After <c>migrate</c>, before <c>migrated</c>.</summary>
    Migrate,
}
