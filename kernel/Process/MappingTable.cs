namespace CapOS.Kernel.Process;

/// <summary>
/// The mapping seam: hardware page tables as portable code sees them (docs/process.md "Definitions",
/// docs/seam.md). A mapping table is one 4 KiB frame of <see cref="EntriesPerTable"/> entries at a level
/// (0 = entries map pages, <see cref="Levels"/> - 1 = the address-space root); an entry is either not
/// present or names a target frame (the next table, or at level 0 a page) and says whether it allows
/// writes and user access. Portable code never names a hardware bit: the metal half
/// (Arch.X64/MappingTable.X64.cs) encodes x86-64 entries, the simulated half (Host/MappingTable.Sim.cs)
/// its own format plus a software MMU with a TLB that the tests use as the judge.
/// </summary>
/// <remarks>
/// Geometry (4 levels of 9 index bits over 4 KiB pages; x86-64 4-level paging, also RISC-V Sv48):
/// the table at level L spans 2^(<see cref="PageShift"/> + 9(L+1)) bytes, each of its entries
/// 2^(<see cref="PageShift"/> + 9L). User addresses lie below <see cref="UserAddressLimit"/>.
/// Tables are reached through Machine.PhysicalToVirtual by both halves; an all-zero table is empty.
/// </remarks>
public static unsafe partial class MappingTable
{
    /// <summary>Levels of tables; the root is level Levels - 1.</summary>
    public const int Levels = 4;

    /// <summary>Index bits per level.</summary>
    public const int IndexBits = 9;

    /// <summary>Entries in one table.</summary>
    public const int EntriesPerTable = 1 << IndexBits;

    /// <summary>log2 of the page size.</summary>
    public const int PageShift = 12;

    /// <summary>Bytes in a table frame (a page).</summary>
    public const ulong TableBytes = 1UL << PageShift;

    /// <summary>User addresses are below this (the lower half of the root's span).</summary>
    public const ulong UserAddressLimit = 1UL << (PageShift + (IndexBits * Levels) - 1);

    /// <summary>Root entries that map user addresses (the rest belong to the kernel).</summary>
    public const int UserRootEntries = EntriesPerTable / 2;

    /// <summary>log2 of the bytes one entry of a level-<paramref name="level"/> table maps.</summary>
    public static int EntrySpanBits(int level) => PageShift + (IndexBits * level);

    /// <summary>log2 of the bytes a whole level-<paramref name="level"/> table maps.</summary>
    public static int TableSpanBits(int level) => PageShift + (IndexBits * (level + 1));

    /// <summary>The index of <paramref name="address"/>'s entry in the level-<paramref name="level"/> table covering it.</summary>
    public static int EntryIndex(ulong address, int level) => (int)((address >> EntrySpanBits(level)) & (EntriesPerTable - 1));

    /// <summary>
    /// Makes entry <paramref name="index"/> of the level-<paramref name="level"/> table at physical
    /// <paramref name="table"/> present, naming frame <paramref name="target"/> (page aligned).
    /// </summary>
    public static partial void SetEntry(ulong table, int level, int index, ulong target, bool writable, bool user);

    /// <summary>Makes entry <paramref name="index"/> not present.</summary>
    public static partial void ClearEntry(ulong table, int index);

    /// <summary>Removes write permission from entry <paramref name="index"/> (no effect when not present).</summary>
    public static partial void ClearWritable(ulong table, int index);

    /// <summary>True when entry <paramref name="index"/> is present; then its target frame and permissions.</summary>
    public static partial bool ReadEntry(ulong table, int index, out ulong target, out bool writable, out bool user);

    /// <summary>What <see cref="PresentTarget"/> answers for an entry that is not present.</summary>
    public const ulong NotPresent = ulong.MaxValue;

    /// <summary>The target frame of entry <paramref name="index"/> when it is present, else <see cref="NotPresent"/> (the fault fast path's one read per level).</summary>
    public static partial ulong PresentTarget(ulong table, int index);

    /// <summary>
    /// Makes entry <paramref name="index"/> of the leaf (level-0) table at physical <paramref name="table"/>, a frame of
    /// the mapping pool, a read-only user entry naming page <paramref name="target"/> (fault-around's write per slot).
    /// </summary>
    public static partial void SetReadOnlyLeaf(ulong table, int index, ulong target);

    /// <summary>Makes every entry of the table not present.</summary>
    public static partial void ClearTable(ulong table);

    /// <summary>Prepares a root table: user entries empty, kernel entries as every address space has them.</summary>
    public static partial void InitializeRoot(ulong table);

    /// <summary>Drops any cached translation of <paramref name="address"/> in the current address space.</summary>
    public static partial void InvalidatePage(ulong address);

    /// <summary>Drops every cached user translation and cached table entry (all address spaces).</summary>
    public static partial void InvalidateAll();
}
