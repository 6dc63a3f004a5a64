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

    /// <summary>For a message a process received: the key info (key data) of the start key invoked; 0 in a reply.</summary>
    public ulong KeyInfo;

    /// <summary>The message a receiver gets from <paramref name="sent"/>: its order in the result register, its words, the string length delivered and the key info.</summary>
    public static unsafe InvocationReply Message(InvocationArguments* sent, ulong stringLength, ulong keyInfo)
    {
        InvocationReply message;
        message.Result = (InvocationResult)sent->Order;
        message.W0 = sent->W0;
        message.W1 = sent->W1;
        message.W2 = sent->W2;
        message.W3 = sent->W3;
        message.StringLength = stringLength;
        message.KeyInfo = keyInfo;
        return message;
    }
}

/// <summary>What the trap path does after a dispatch.</summary>
public enum DispatchOutcome : byte
{
    /// <summary>Return the reply to the invoker.</summary>
    Reply = 0,

    /// <summary>The invoker has ended; run the next process.</summary>
    InvokerEnded = 1,

    /// <summary>
    /// The invoker waits on a stall queue with no visible effect: its saved context must point back at the
    /// invocation so that it is executed again when the process is woken (docs/process.md); run the next process.
    /// </summary>
    Stalled = 2,

    /// <summary>
    /// The invocation went to a process (a gate key) or left the invoker waiting: the dispatcher wrote every
    /// context it changed; run <see cref="Dispatcher.Next"/> if not null, else the next runnable process.
    /// </summary>
    Switched = 3,
}
