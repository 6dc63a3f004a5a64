namespace CapOS.Kernel.Process;

/// <summary>
/// The seam between the portable process table and the processor's user mode:
/// loading a program image into a fresh address space and entering a process.
/// Arch.X64/UserMode.X64.cs builds the hardware address space and enters user mode;
/// the host half cannot run user code. docs/seam.md.
/// </summary>
public static unsafe partial class UserMode
{
    /// <summary>
    /// Loads the program image (a static ELF) at physical [start, end) into a new address
    /// space for <paramref name="process"/> and sets its initial context. False if the image is bad.
    /// </summary>
    public static partial bool Load(ProcessEntry* process, ulong start, ulong end);

    /// <summary>Runs <paramref name="process"/> from its saved context. Never returns on metal.</summary>
    public static partial void Enter(ProcessEntry* process);

    /// <summary>Returns the frames of <paramref name="process"/>'s address space (the process has ended).</summary>
    public static partial void Release(ProcessEntry* process);

    /// <summary>Fills <paramref name="process"/>'s context from its register annex page <paramref name="annex"/> (docs/process.md).</summary>
    public static partial void LoadRegisters(ProcessEntry* process, byte* annex);

    /// <summary>Writes <paramref name="process"/>'s context into its register annex page <paramref name="annex"/>.</summary>
    public static partial void SaveRegisters(ProcessEntry* process, byte* annex);

    /// <summary>The program counter in <paramref name="process"/>'s context (console lines).</summary>
    public static partial ulong ProgramCounter(ProcessEntry* process);
}
