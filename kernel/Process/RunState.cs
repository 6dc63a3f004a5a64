namespace CapOS.Kernel.Process;

/// <summary>
/// A process's run state, stored in word0 of root slot <see cref="ProcessRoot.State"/> (EROS run states;
/// docs/process.md). Values are on disk: never renumber.
/// </summary>
public enum RunState : uint
{
    /// <summary>Not a process (an all-zero state slot): never dispatched.</summary>
    None = 0,

    /// <summary>Waiting for a message: a start key's invoker may enter it.</summary>
    Available = 1,

    /// <summary>Runnable or on the CPU.</summary>
    Running = 2,

    /// <summary>Called another process and waits for the reply.</summary>
    Waiting = 3,
}
