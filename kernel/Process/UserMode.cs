namespace CapOS.Kernel.Process;

/// <summary>
/// The seam between the portable process table and the processor's user mode: entering a process, and
/// its registers to and from the register annex page (docs/process.md).
/// Arch.X64/UserMode.X64.cs builds the hardware address space and enters user mode;
/// the host half cannot run user code. docs/seam.md.
/// </summary>
public static unsafe partial class UserMode
{
    /// <summary>Runs <paramref name="process"/> from its saved context. Never returns on metal.</summary>
    public static partial void Enter(ProcessEntry* process);

    /// <summary>Fills <paramref name="process"/>'s context from its register annex page <paramref name="annex"/> (docs/process.md).</summary>
    public static partial void LoadRegisters(ProcessEntry* process, byte* annex);

    /// <summary>Writes <paramref name="process"/>'s context into its register annex page <paramref name="annex"/>.</summary>
    public static partial void SaveRegisters(ProcessEntry* process, byte* annex);

    /// <summary>The program counter in <paramref name="process"/>'s context (console lines).</summary>
    public static partial ulong ProgramCounter(ProcessEntry* process);

    /// <summary>The invocation arguments in <paramref name="process"/>'s saved registers (its last invocation: what it sent and where it receives).</summary>
    public static partial void ReadArguments(ProcessEntry* process, Invocation.InvocationArguments* arguments);

    /// <summary>The receive key registers (<see cref="Invocation.InvocationArguments.ReceiveKeys"/>, one byte each) of the invocation pending in <paramref name="process"/>'s saved registers: the IPC fast path's one look at its receiver.</summary>
    public static partial uint ReadReceiveKeys(ProcessEntry* process);

    /// <summary>
    /// Writes into <paramref name="process"/>'s saved registers the message <paramref name="sent"/> carries when it has no
    /// string: its order in the result register, its four words, string length 0, <paramref name="keyInfo"/>. The same
    /// registers as <see cref="WriteReply"/> of <see cref="Invocation.InvocationReply.Message"/>(sent, 0, keyInfo), with
    /// no reply built in between (the IPC fast path).
    /// </summary>
    public static partial void WriteMessage(ProcessEntry* process, Invocation.InvocationArguments* sent, ulong keyInfo);

    /// <summary>Writes a reply or a received message into <paramref name="process"/>'s saved registers.</summary>
    public static partial void WriteReply(ProcessEntry* process, Invocation.InvocationReply* reply);

    /// <summary>
    /// Rewrites the order code and W0 of the invocation pending in <paramref name="process"/>'s saved registers,
    /// which the process executes again when woken or restarted: a stalled kernel operation turned into its
    /// restartable form (the sleep key's relative sleep becomes a sleep until its deadline).
    /// </summary>
    public static partial void RewriteInvocation(ProcessEntry* process, uint order, ulong w0);
}
