namespace CapOS.Kernel.Invocation;

/// <summary>
/// Result codes in the reply's result register (EROS RC_*; docs/invocation.md "Result codes"). A kernel key
/// answers one of these; a process answers whatever its protocol says (codes below 0x10000 mean the same
/// thing everywhere). Values are in every program: never renumber.
/// </summary>
public enum InvocationResult : ulong
{
    Ok = 0,

    /// <summary>The key does not know the order (EROS UnknownRequest).</summary>
    UnknownOrder = 1,

    /// <summary>The key is void: key register 0, an empty register, a rescinded key (EROS Void).</summary>
    Void = 2,

    /// <summary>A key register number outside 0..31 in the invoked, sent or receive registers.</summary>
    BadKeyRegister = 3,

    /// <summary>A string that is not in the invoker's user half, not mapped, too long, or a receive buffer too small.</summary>
    BadString = 4,

    /// <summary>The checkpoint key could not take a checkpoint (checkpointing stopped or not running).</summary>
    CheckpointFailed = 5,

    /// <summary>The order is known but an argument is wrong: a slot out of range, a wrong key type passed (EROS RequestError).</summary>
    RequestError = 6,

    /// <summary>The key's rights do not allow the order (read-only, weak, opaque; EROS NoAccess).</summary>
    NoAccess = 7,

    /// <summary>No node is left to allocate (EROS NoMoreNodes).</summary>
    NoMoreNodes = 8,

    /// <summary>No page is left to allocate (EROS NoMorePages).</summary>
    NoMorePages = 9,

    /// <summary>An invocation type the key cannot take, or bits that must be zero are not.</summary>
    BadInvocation = 10,

    /// <summary>An object the order needs could not be read (I/O error, damaged image): named on the console.</summary>
    ObjectUnavailable = 11,
}
