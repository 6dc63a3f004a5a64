namespace CapOS.Kernel.Invocation;

/// <summary>
/// The three kinds of invocation (EROS SOSP'99 §3.3; docs/invocation.md). Bits 8..15 of the invoked-key
/// register word (docs/boot.md "Syscall ABI"). Values are in every program's stub: never renumber.
/// </summary>
public enum InvocationType : byte
{
    /// <summary>Send and wait for the reply: the receiver gets a resume key in its fourth key slot; the invoker becomes Waiting.</summary>
    Call = 0,

    /// <summary>Send, then wait for the next message: the invoker becomes Available (a server's reply).</summary>
    Return = 1,

    /// <summary>Send and go on running (EROS "send", a fork of control); no resume key is made.</summary>
    Send = 2,
}
