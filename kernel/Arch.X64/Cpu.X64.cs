using System.Runtime;
using System.Runtime.CompilerServices;

namespace CapOS.Kernel.Arch.X64;

/// <summary>
/// Single x86-64 instructions the kernel needs, implemented in Cpu.X64.asm and
/// bound by symbol name (ILC RuntimeImport: a direct call, no marshalling).
/// </summary>
internal static unsafe class Cpu
{
    public const uint MsrApicBase = 0x1B;
    public const uint MsrEfer = 0xC0000080;
    public const uint MsrStar = 0xC0000081;
    public const uint MsrLstar = 0xC0000082;
    public const uint MsrFmask = 0xC0000084;
    public const uint MsrFsBase = 0xC0000100;
    public const uint MsrGsBase = 0xC0000101;

    [MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("*", "cpu_outb")]
    public static extern void OutByte(ushort port, byte value);

    [MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("*", "cpu_inb")]
    public static extern byte InByte(ushort port);

    [MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("*", "cpu_outw")]
    public static extern void OutWord(ushort port, ushort value);

    [MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("*", "cpu_inw")]
    public static extern ushort InWord(ushort port);

    [MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("*", "cpu_outd")]
    public static extern void OutDword(ushort port, uint value);

    [MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("*", "cpu_ind")]
    public static extern uint InDword(ushort port);

    [MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("*", "cpu_rdmsr")]
    public static extern ulong ReadMsr(uint msr);

    [MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("*", "cpu_wrmsr")]
    public static extern void WriteMsr(uint msr, ulong value);

    [MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("*", "cpu_rdtsc")]
    public static extern ulong ReadTimeStampCounter();

    [MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("*", "cpu_read_cr0")]
    public static extern ulong ReadCr0();

    [MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("*", "cpu_read_cr2")]
    public static extern ulong ReadCr2();

    [MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("*", "cpu_read_cr3")]
    public static extern ulong ReadCr3();

    [MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("*", "cpu_read_cr4")]
    public static extern ulong ReadCr4();

    [MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("*", "cpu_write_cr3")]
    public static extern void WriteCr3(ulong value);

    [MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("*", "cpu_lgdt")]
    public static extern void LoadGdt(void* pointer);

    [MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("*", "cpu_lidt")]
    public static extern void LoadIdt(void* pointer);

    [MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("*", "cpu_ltr")]
    public static extern void LoadTaskRegister(ushort selector);

    [MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("*", "cpu_reload_segments")]
    public static extern void ReloadSegments(ulong codeSelector, ulong dataSelector);

    [MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("*", "cpu_enable_interrupts")]
    public static extern void EnableInterrupts();

    [MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("*", "cpu_disable_interrupts")]
    public static extern void DisableInterrupts();

    /// <summary>Masks interrupts and halts for good.</summary>
    [MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("*", "cpu_halt")]
    public static extern void HaltForever();

    /// <summary>sti; hlt; cli: sleeps until the next interrupt has been handled.</summary>
    [MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("*", "cpu_wait_for_interrupt")]
    public static extern void WaitForInterrupt();

    [MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("*", "cpu_invlpg")]
    public static extern void InvalidatePage(ulong address);

    [MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("*", "cpu_pause")]
    public static extern void Pause();

    [MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("*", "cpu_trap_stub_table")]
    public static extern ulong* TrapStubTable();

    [MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("*", "cpu_syscall_entry")]
    public static extern ulong SyscallEntry();

    [MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("*", "cpu_kernel_stack_top")]
    public static extern ulong KernelStackTop();

    [MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("*", "cpu_double_fault_stack_top")]
    public static extern ulong DoubleFaultStackTop();

    /// <summary>Where the trap path saves and restores the user's FXSAVE image (Traps.X64.asm); 16-byte aligned.</summary>
    [MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("*", "set_user_fpu_area")]
    public static extern void SetUserFpuArea(byte* area);

    /// <summary>Continues from a saved trap frame (iretq); never returns.</summary>
    [MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("*", "trap_resume")]
    public static extern void Resume(TrapFrame* frame);

    /// <summary>Physical address of the first byte of the kernel image (linker symbol).</summary>
    [MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("*", "cpu_image_start_phys")]
    public static extern ulong ImageStartPhysical();

    /// <summary>Physical address just past the kernel image, bss included (linker symbol).</summary>
    [MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("*", "cpu_image_end_phys")]
    public static extern ulong ImageEndPhysical();
}
