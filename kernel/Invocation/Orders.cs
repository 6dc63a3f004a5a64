namespace CapOS.Kernel.Invocation;

/// <summary>Order codes of the console key.</summary>
public static class ConsoleOrder
{
    /// <summary>Prints the string as one line, prefixed with "user[&lt;pid&gt;]: ".</summary>
    public const uint WriteLine = 1;
}

/// <summary>Order codes of the self key.</summary>
public static class SelfOrder
{
    /// <summary>Ends the invoking process ("proc: &lt;pid&gt; exited").</summary>
    public const uint Exit = 1;
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

/// <summary>Result codes in the reply's result register.</summary>
public enum InvocationResult : ulong
{
    Ok = 0,
    UnknownOrder = 1,
    Void = 2,
    BadKeyRegister = 3,
    BadString = 4,

    /// <summary>The checkpoint key could not take a checkpoint (checkpointing stopped or not running).</summary>
    CheckpointFailed = 5,
}
