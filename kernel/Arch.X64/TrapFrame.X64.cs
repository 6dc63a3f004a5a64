using System.Runtime.InteropServices;

namespace CapOS.Kernel.Arch.X64;

/// <summary>
/// The registers saved by every trap entry (Traps.X64.asm), lowest address first:
/// the general registers pushed by the stub, then vector and error code, then what
/// the CPU (or the syscall entry) pushed for iretq. 176 bytes, a multiple of 16.
/// </summary>
[StructLayout(LayoutKind.Sequential)]
internal struct TrapFrame
{
    public const ulong SyscallVector = 256;

    public ulong R15;
    public ulong R14;
    public ulong R13;
    public ulong R12;
    public ulong R11;
    public ulong R10;
    public ulong R9;
    public ulong R8;
    public ulong Rbp;
    public ulong Rdi;
    public ulong Rsi;
    public ulong Rdx;
    public ulong Rcx;
    public ulong Rbx;
    public ulong Rax;
    public ulong Vector;
    public ulong ErrorCode;
    public ulong Rip;
    public ulong Cs;
    public ulong Rflags;
    public ulong Rsp;
    public ulong Ss;

    /// <summary>True when the trap came from ring 3.</summary>
    public readonly bool FromUser => (Cs & 3) == 3;
}
