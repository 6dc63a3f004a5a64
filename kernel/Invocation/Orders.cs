namespace CapOS.Kernel.Invocation;

/// <summary>Order codes of the console key.</summary>
public static class ConsoleOrder
{
    /// <summary>Prints the string as one line, prefixed with "user[&lt;pid&gt;]: ".</summary>
    public const uint WriteLine = 1;

}

/// <summary>Order codes of the process key (docs/invocation.md "Process key"; EROS process key).</summary>
public static class ProcessOrder
{
    /// <summary>Stops the process for good (fault code Halted): "proc: &lt;pid&gt; exited" when it halts itself.</summary>
    public const uint Halt = 1;

    /// <summary>Reply key 0 = a copy of root slot W0 (0..9).</summary>
    public const uint CopyRootSlot = 2;

    /// <summary>Root slot W0 (schedule 0, keeper 1, address space 2, brand 6) gets sent key 0 (its type must be legal there); reply key 0 = the old key.</summary>
    public const uint SwapRootSlot = 3;

    /// <summary>Reply key 0 = a copy of key register W0.</summary>
    public const uint CopyKeyRegister = 4;

    /// <summary>Key register W0 (1..31) gets sent key 0; reply key 0 = the old key.</summary>
    public const uint SwapKeyRegister = 5;

    /// <summary>Reply string = the first <see cref="RegisterBytes"/> bytes of its register file (RegisterAnnex layout: 16 general registers, RIP, RFLAGS, FS base, GS base); another process only.</summary>
    public const uint GetRegisters = 6;

    /// <summary>The sent string (exactly <see cref="RegisterBytes"/> bytes) replaces those registers (RFLAGS sanitized); another process only.</summary>
    public const uint SetRegisters = 7;

    /// <summary>Reply key 0 = a start key to the process with key info W0 (0..65535).</summary>
    public const uint MakeStartKey = 8;

    /// <summary>Reply key 0 = a resume key to the process (valid while it waits for this reply).</summary>
    public const uint MakeResumeKey = 9;

    /// <summary>Makes it Available (waiting for a message); a Waiting process's resume keys are consumed.</summary>
    public const uint MakeAvailable = 10;

    /// <summary>Makes it Running and clears its fault (a keeper's "fix and go"); a Waiting process's resume keys are consumed.</summary>
    public const uint MakeRunning = 11;

    /// <summary>
    /// Reply W0 = run state, W1 = fault code, W2 = fault info, W3 = the stall queue it is on (bits 0..7:
    /// <c>StallReason</c>; kernel state, never stored) and the first Pid waiting to send to it (bits 8..).
    /// </summary>
    public const uint GetState = 12;

    /// <summary>Bytes of the register file GetRegisters and SetRegisters move.</summary>
    public const int RegisterBytes = 160;
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
