namespace CapOS.Kernel.Process;

/// <summary>Simulated half of the user-mode seam: the host cannot run ring-3 code.</summary>
public static unsafe partial class UserMode
{
    /// <summary>Processes the kernel tried to enter, in order (pids).</summary>
    public static System.Collections.Generic.List<uint> Entered { get; } = new();

    public static partial void Enter(ProcessEntry* process) => Entered.Add(process->Pid);

    /// <summary>The simulated context is the annex's register file itself (RegisterAnnex layout, first 1024 bytes).</summary>
    public static partial void LoadRegisters(ProcessEntry* process, byte* annex)
    {
        System.Runtime.InteropServices.NativeMemory.Copy(annex, process->Context, ProcessEntry.ContextSize);
        Arch.X64.RegisterAnnex.Sanitize((Arch.X64.RegisterAnnex*)process->Context);
    }

    public static partial void SaveRegisters(ProcessEntry* process, byte* annex) =>
        System.Runtime.InteropServices.NativeMemory.Copy(process->Context, annex, ProcessEntry.ContextSize);

    public static partial ulong ProgramCounter(ProcessEntry* process) => ((Arch.X64.RegisterAnnex*)process->Context)->Rip;

    public static partial void ReadArguments(ProcessEntry* process, Invocation.InvocationArguments* arguments) =>
        Arch.X64.SyscallAbi.Read((Arch.X64.RegisterAnnex*)process->Context, arguments);

    public static partial uint ReadReceiveKeys(ProcessEntry* process) => (uint)((Arch.X64.RegisterAnnex*)process->Context)->R14; // SyscallAbi.Read

    public static partial void WriteReply(ProcessEntry* process, Invocation.InvocationReply* reply)
    {
        Arch.X64.SyscallAbi.Write((Arch.X64.RegisterAnnex*)process->Context, reply);
        process->Flags |= ProcessFlags.ContextChanged;
    }

    public static partial void WriteMessage(ProcessEntry* process, Invocation.InvocationArguments* sent, ulong keyInfo)
    {
        Arch.X64.RegisterAnnex* frame = (Arch.X64.RegisterAnnex*)process->Context; // as the metal half: FastPathTests compare with WriteReply
        frame->Rax = sent->Order;
        frame->Rsi = sent->W0;
        frame->Rdx = sent->W1;
        frame->R10 = sent->W2;
        frame->R8 = sent->W3;
        frame->R9 = 0;
        frame->Rdi = keyInfo;
        process->Flags |= ProcessFlags.ContextChanged;
    }

    public static partial void RewriteInvocation(ProcessEntry* process, uint order, ulong w0)
    {
        Arch.X64.SyscallAbi.Rewrite((Arch.X64.RegisterAnnex*)process->Context, order, w0);
        process->Flags |= ProcessFlags.ContextChanged;
    }

    /// <summary>The simulated CPU runs <paramref name="process"/>: its registers change (tests stand in for user code).</summary>
    public static void Run(ProcessEntry* process, ulong rip, ulong rax)
    {
        ((Arch.X64.RegisterAnnex*)process->Context)->Rip = rip;
        ((Arch.X64.RegisterAnnex*)process->Context)->Rax = rax;
        process->Flags |= ProcessFlags.ContextChanged;
    }
}
