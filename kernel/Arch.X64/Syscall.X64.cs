namespace CapOS.Kernel.Arch.X64;

/// <summary>
/// The syscall instruction's MSRs: STAR (kernel CS 0x08 / SS 0x10; sysret base 0x10 so
/// user SS = 0x18|3, CS = 0x20|3), LSTAR = syscall_entry, FMASK clears IF, TF, DF and AC
/// so the entry runs with interrupts masked. EFER.SCE is set by Boot.X64.asm.
/// </summary>
internal static class Syscall
{
    public static void Initialize()
    {
        Cpu.WriteMsr(Cpu.MsrStar, ((ulong)Gdt.KernelCode << 32) | ((ulong)(Gdt.KernelData) << 48));
        Cpu.WriteMsr(Cpu.MsrLstar, Cpu.SyscallEntry());
        Cpu.WriteMsr(Cpu.MsrFmask, 0x40000 | 0x400 | 0x200 | 0x100);
    }
}
