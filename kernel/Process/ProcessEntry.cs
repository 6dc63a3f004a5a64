namespace CapOS.Kernel.Process;

/// <summary>
/// The process table entry of the ring-3 demo (issue #2): an id, a state, the key
/// registers, the address space and the saved machine context. The full EROS process
/// (a cache of process root nodes, DESIGN.md §6) replaces it in a later milestone.
/// docs/boot.md "Ring 3".
/// </summary>
/// <remarks>
/// Fields are written only by <see cref="ProcessTable"/> (Pid, State), the loader
/// (AddressSpace, KeyRegisters) and the trap path (Context).
/// </remarks>
public unsafe struct ProcessEntry
{
    public const int KeyRegisterCount = 16;

    /// <summary>Machine context bytes (the Arch trap frame); opaque to portable code.</summary>
    public const int ContextSize = 192;

    /// <summary>Process id, 1-based; 0 in a free entry.</summary>
    public uint Pid;

    public ProcessState State;

    /// <summary>Root of the hardware address space: a physical address whose meaning the machine half defines.</summary>
    public ulong AddressSpace;

    /// <summary>Kind of key in each key register; register 0 is always void (I1 of ProcessTable).</summary>
    public fixed byte KeyRegisters[KeyRegisterCount];

    /// <summary>Saved registers while the process is not on the CPU; laid out by Arch.X64.</summary>
    public fixed byte Context[ContextSize];

    public readonly Invocation.KeyRegisterKind KeyRegister(int index) => (Invocation.KeyRegisterKind)KeyRegisters[index];
}
