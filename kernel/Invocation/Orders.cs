namespace CapOS.Kernel.Invocation;

/// <summary>Order codes of the console key.</summary>
public static class ConsoleOrder
{
    /// <summary>Prints the string as one line, prefixed with "user[&lt;pid&gt;]: ".</summary>
    public const uint WriteLine = 1;

}

/// <summary>Order codes of the process key (docs/invocation.md "Process key").</summary>
public static class ProcessOrder
{
    /// <summary>Stops the process for good (fault code Halted): "proc: &lt;pid&gt; exited" when it halts itself.</summary>
    public const uint Halt = 1;
}

/// <summary>Order codes of the checkpoint key (docs/checkpoint.md "Triggers").</summary>
public static class CheckpointOrder
{
    /// <summary>
    /// Takes a global checkpoint now (waiting for the one being written, if any): replies Ok with W0 = the new
    /// snapshot's sequence number (its commit follows asynchronously), or <see cref="InvocationResult.CheckpointFailed"/>
    /// when checkpointing is stopped or the snapshot could not be taken.
    /// </summary>
    public const uint CheckpointNow = 1;
}
