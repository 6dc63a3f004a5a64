using System.Runtime.InteropServices;
using CapOS.Kernel.Arch.X64;
using CapOS.Kernel.Memory;

namespace CapOS.Kernel.Process;

/// <summary>
/// Metal half of the user-mode seam: enters ring 3 with iretq through the saved trap frame, in the
/// process's address space (a root from AddressSpaces, filled lazily from its node tree).
/// The context of a process entry is a <see cref="TrapFrame"/> at offset 0, FS/GS base after it, and the
/// FXSAVE image at <see cref="FxsaveOffset"/> (16-byte aligned: ProcessEntry I1), which the trap path
/// saves and restores (Traps.X64.asm). <see cref="LoadRegisters"/> and <see cref="SaveRegisters"/>
/// convert it from and to the register annex page (<see cref="RegisterAnnex"/>).
/// </summary>
public static unsafe partial class UserMode
{
    /// <summary>Offset of the FXSAVE image in a process entry's context.</summary>
    public const int FxsaveOffset = 512;

    /// <summary>Offset of the saved FS base (GS base follows) in a process entry's context.</summary>
    private const int SegmentBaseOffset = 192;

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    public static partial void Enter(ProcessEntry* process)
    {
        if ((Cpu.ReadCr3() & Paging.AddressMask) != process->AddressSpace)
        {
            Cpu.WriteCr3(process->AddressSpace);
        }

        Cpu.SetUserFpuArea(process->Context + FxsaveOffset);
        Cpu.Resume((TrapFrame*)process->Context);
    }

    public static partial void LoadRegisters(ProcessEntry* process, byte* annex)
    {
        Diagnostics.Panic.Assert(sizeof(TrapFrame) <= SegmentBaseOffset, "TrapFrame overlaps the segment bases");
        RegisterAnnex* registers = (RegisterAnnex*)annex;
        TrapFrame* frame = (TrapFrame*)process->Context;
        *frame = default;
        frame->Rax = registers->Rax;
        frame->Rbx = registers->Rbx;
        frame->Rcx = registers->Rcx;
        frame->Rdx = registers->Rdx;
        frame->Rsi = registers->Rsi;
        frame->Rdi = registers->Rdi;
        frame->Rbp = registers->Rbp;
        frame->Rsp = registers->Rsp;
        frame->R8 = registers->R8;
        frame->R9 = registers->R9;
        frame->R10 = registers->R10;
        frame->R11 = registers->R11;
        frame->R12 = registers->R12;
        frame->R13 = registers->R13;
        frame->R14 = registers->R14;
        frame->R15 = registers->R15;
        frame->Rip = registers->Rip < RegisterAnnex.UserHalfLimit ? registers->Rip : 0; // RegisterAnnex.Sanitize's rule
        frame->Rflags = (registers->Rflags & RegisterAnnex.UserRflagsMask) | RegisterAnnex.InitialRflags;
        frame->Cs = Gdt.UserCode;
        frame->Ss = Gdt.UserData;
        ((ulong*)(process->Context + SegmentBaseOffset))[0] = registers->FsBase < RegisterAnnex.UserHalfLimit ? registers->FsBase : 0;
        ((ulong*)(process->Context + SegmentBaseOffset))[1] = registers->GsBase < RegisterAnnex.UserHalfLimit ? registers->GsBase : 0;
        NativeMemory.Copy(registers->Fxsave, process->Context + FxsaveOffset, RegisterAnnex.FxsaveSize);
        RegisterAnnex.SanitizeFpu(process->Context + FxsaveOffset); // a stored annex is data: never a #GP in FXRSTOR, never a zero MXCSR (I3)
    }

    public static partial void SaveRegisters(ProcessEntry* process, byte* annex)
    {
        RegisterAnnex* registers = (RegisterAnnex*)annex;
        TrapFrame* frame = (TrapFrame*)process->Context;
        registers->Rax = frame->Rax;
        registers->Rbx = frame->Rbx;
        registers->Rcx = frame->Rcx;
        registers->Rdx = frame->Rdx;
        registers->Rsi = frame->Rsi;
        registers->Rdi = frame->Rdi;
        registers->Rbp = frame->Rbp;
        registers->Rsp = frame->Rsp;
        registers->R8 = frame->R8;
        registers->R9 = frame->R9;
        registers->R10 = frame->R10;
        registers->R11 = frame->R11;
        registers->R12 = frame->R12;
        registers->R13 = frame->R13;
        registers->R14 = frame->R14;
        registers->R15 = frame->R15;
        registers->Rip = frame->Rip;
        registers->Rflags = frame->Rflags;
        registers->FsBase = ((ulong*)(process->Context + SegmentBaseOffset))[0];
        registers->GsBase = ((ulong*)(process->Context + SegmentBaseOffset))[1];
        NativeMemory.Copy(process->Context + FxsaveOffset, registers->Fxsave, RegisterAnnex.FxsaveSize);
    }

    public static partial ulong ProgramCounter(ProcessEntry* process) => ((TrapFrame*)process->Context)->Rip;

    public static partial void ReadArguments(ProcessEntry* process, Invocation.InvocationArguments* arguments) =>
        SyscallAbi.Read((TrapFrame*)process->Context, arguments);

    public static partial uint ReadReceiveKeys(ProcessEntry* process) => (uint)((TrapFrame*)process->Context)->R14; // SyscallAbi.Read

    public static partial void WriteReply(ProcessEntry* process, Invocation.InvocationReply* reply)
    {
        SyscallAbi.Write((TrapFrame*)process->Context, reply);
        process->Flags |= ProcessFlags.ContextChanged;
    }

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    public static partial void WriteMessage(ProcessEntry* process, Invocation.InvocationArguments* sent, ulong keyInfo)
    {
        TrapFrame* frame = (TrapFrame*)process->Context; // SyscallAbi.Write's registers
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
        SyscallAbi.Rewrite((TrapFrame*)process->Context, order, w0);
        process->Flags |= ProcessFlags.ContextChanged;
    }
}
