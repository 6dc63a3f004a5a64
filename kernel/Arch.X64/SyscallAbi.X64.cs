using CapOS.Kernel.Invocation;

namespace CapOS.Kernel.Arch.X64;

/// <summary>
/// The invocation ABI on x86-64 (docs/boot.md "Syscall ABI"): which register carries which argument and which
/// reply field. One place for it, used on a trap frame (metal) and on a register annex (the simulated
/// machine's context), so both halves of the seam agree by construction.
/// </summary>
public static unsafe class SyscallAbi
{
    /// <summary>
    /// Decodes the arguments from the registers (rdi bits 0..7 key register, bits 8..15 type), word by word with
    /// every byte written (no zeroing first, no field-by-field stores): word 0 is the invoked register word's low
    /// 16 bits (its padding zero) and the order, word 7 the send and receive key registers. SyscallAbiTests pins
    /// the field each register lands in.
    /// </summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    public static void Read(ulong rdi, ulong rax, ulong rsi, ulong rdx, ulong r10, ulong r8, ulong r9, ulong r12, ulong r13, ulong r14, ulong r15, ulong rbx, InvocationArguments* arguments)
    {
        ulong* words = (ulong*)arguments;
        words[0] = (rdi & 0xFFFF) | ((ulong)(uint)rax << 32);
        words[1] = rsi;
        words[2] = rdx;
        words[3] = r10;
        words[4] = r8;
        words[5] = r9;
        words[6] = r12;
        words[7] = (uint)r13 | ((ulong)(uint)r14 << 32);
        words[8] = r15;
        words[9] = rbx;
    }

    /// <summary>Writes a reply or a received message into a trap frame.</summary>
    internal static void Write(TrapFrame* frame, InvocationReply* reply)
    {
        frame->Rax = (ulong)reply->Result;
        frame->Rsi = reply->W0;
        frame->Rdx = reply->W1;
        frame->R10 = reply->W2;
        frame->R8 = reply->W3;
        frame->R9 = reply->StringLength;
        frame->Rdi = reply->KeyInfo;
    }

    /// <summary>
    /// Completes a kernel-key fast path answer (KernelFastPath, which wrote W0 and W1 into rsi and rdx):
    /// <see cref="Write(TrapFrame*, InvocationReply*)"/> of a reply with only the result, W0 and W1 set.
    /// </summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    internal static void WriteAnswer(TrapFrame* frame, ulong result)
    {
        frame->Rax = result;
        frame->R10 = 0;
        frame->R8 = 0;
        frame->R9 = 0;
        frame->Rdi = 0;
    }

    /// <summary>Replaces the order code (eax) and W0 (rsi) of the invocation in a trap frame.</summary>
    internal static void Rewrite(TrapFrame* frame, uint order, ulong w0)
    {
        frame->Rax = order;
        frame->Rsi = w0;
    }

    /// <summary>Replaces the order code (eax) and W0 (rsi) of the invocation in a register annex.</summary>
    public static void Rewrite(RegisterAnnex* r, uint order, ulong w0)
    {
        r->Rax = order;
        r->Rsi = w0;
    }

    /// <summary>Decodes the arguments from a trap frame.</summary>
    internal static void Read(TrapFrame* f, InvocationArguments* arguments) =>
        Read(f->Rdi, f->Rax, f->Rsi, f->Rdx, f->R10, f->R8, f->R9, f->R12, f->R13, f->R14, f->R15, f->Rbx, arguments);

    /// <summary>Decodes the arguments from a register annex.</summary>
    public static void Read(RegisterAnnex* r, InvocationArguments* arguments) =>
        Read(r->Rdi, r->Rax, r->Rsi, r->Rdx, r->R10, r->R8, r->R9, r->R12, r->R13, r->R14, r->R15, r->Rbx, arguments);

    /// <summary>Writes a reply or a received message into a register annex.</summary>
    public static void Write(RegisterAnnex* r, InvocationReply* reply)
    {
        r->Rax = (ulong)reply->Result;
        r->Rsi = reply->W0;
        r->Rdx = reply->W1;
        r->R10 = reply->W2;
        r->R8 = reply->W3;
        r->R9 = reply->StringLength;
        r->Rdi = reply->KeyInfo;
    }
}
