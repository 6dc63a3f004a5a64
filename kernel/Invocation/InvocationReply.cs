namespace CapOS.Kernel.Invocation;

/// <summary>The reply: same shape, result code first.</summary>
public struct InvocationReply
{
    public InvocationResult Result;
    public ulong W0;
    public ulong W1;
    public ulong W2;
    public ulong W3;

    /// <summary>Bytes written to the receive buffer.</summary>
    public ulong StringLength;
}

/// <summary>What the trap path does after a dispatch.</summary>
public enum DispatchOutcome : byte
{
    /// <summary>Return the reply to the invoker.</summary>
    Reply = 0,

    /// <summary>The invoker has ended; run the next process.</summary>
    InvokerEnded = 1,
}
