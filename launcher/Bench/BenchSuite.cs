namespace CapOS.Launcher.Bench;

/// <summary>Which figures <c>capos bench</c> measures (docs/bench.md): its sub-verb.</summary>
public enum BenchSuite
{
    /// <summary><c>bench checkpoint</c>: raw disk, checkpoint, recovery (issue 4).</summary>
    Checkpoint,

    /// <summary><c>bench faults</c>: page faults of a stored process and boot to processes resumed (issue 10).</summary>
    Faults,

    /// <summary><c>bench ipc</c>: null invocation, IPC round trips and their halves, faults rebuilding an entry (issue 11).</summary>
    Ipc,

    /// <summary><c>bench lmbench</c>: CapOS's lmbench-equivalent rows beside Linux lmbench in the same QEMU (issue 13).</summary>
    Lmbench,
}
