namespace CapOS.Kernel.Process;

/// <summary>
/// The slots of a process root node (docs/process.md "Definitions"; EROS process root layout, with the
/// register annex in slot 4 as the one departure). Shared with imagegen, which builds process roots.
/// Values are on disk: never renumber.
/// </summary>
public static class ProcessRoot
{
    /// <summary>A sched key (or void).</summary>
    public const int Schedule = 0;

    /// <summary>The process keeper: a start key, or void.</summary>
    public const int Keeper = 1;

    /// <summary>The address space: a segment key (height in its key data) or a page key, or void.</summary>
    public const int AddressSpace = 2;

    /// <summary>A node key to the key registers node (32 key registers; register 0 reads as void).</summary>
    public const int KeyRegisters = 3;

    /// <summary>A page key to the register annex page (RegisterAnnex: the machine's register file).</summary>
    public const int RegisterAnnex = 4;

    /// <summary>Reserved (EROS symbol space): void.</summary>
    public const int SymbolSpace = 5;

    /// <summary>The brand: any key, compared by the process tool.</summary>
    public const int Brand = 6;

    /// <summary>Reserved for the last invoked key (invocation).</summary>
    public const int LastInvokedKey = 7;

    /// <summary>A number key: word0 = <see cref="RunState"/>, word1 = fault code, word2 = 0.</summary>
    public const int State = 8;

    /// <summary>A number key: the fault info (a u64 in words 0 and 1), e.g. the faulting address.</summary>
    public const int FaultInfo = 9;

    /// <summary>The first slot reserved for the pending invocation (next issue); void until then.</summary>
    public const int FirstReserved = 10;
}
