using CapOS.Kernel.Arch.X64;

namespace CapOS.Kernel.Process;

/// <summary>
/// Metal half of the mapping seam: x86-64 4-level page-table entries (Intel SDM vol. 3 §4.5). Present,
/// writable and user are bits 0, 1, 2; the target frame is bits 12..51. Intermediate entries are always
/// writable and user: the level-0 entry decides. No execute-disable bit is set: keys carry no execute
/// right, and user code runs from segment pages.
/// </summary>
public static unsafe partial class MappingTable
{
    private static ulong* Entries(ulong table) => (ulong*)Paging.PhysicalToVirtual(table);

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    public static partial void SetEntry(ulong table, int level, int index, ulong target, bool writable, bool user)
    {
        ulong entry = (target & Paging.AddressMask) | Paging.Present;
        entry |= writable ? Paging.Writable : 0;
        entry |= user ? Paging.User : 0;
        Entries(table)[index] = entry;
    }

    /// <summary>A pool frame: inside the direct map, so no bounds check (as <see cref="PresentTarget"/>).</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    public static partial void SetReadOnlyLeaf(ulong table, int index, ulong target) =>
        ((ulong*)(Paging.DirectMapBase + table))[index] = (target & Paging.AddressMask) | Paging.Present | Paging.User;

    public static partial void ClearEntry(ulong table, int index) => Entries(table)[index] = 0;

    public static partial void ClearWritable(ulong table, int index) => Entries(table)[index] &= ~Paging.Writable;

    public static partial bool ReadEntry(ulong table, int index, out ulong target, out bool writable, out bool user)
    {
        ulong entry = Entries(table)[index];
        target = entry & Paging.AddressMask;
        writable = (entry & Paging.Writable) != 0;
        user = (entry & Paging.User) != 0;
        return (entry & Paging.Present) != 0;
    }

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    public static partial ulong PresentTarget(ulong table, int index)
    {
        ulong entry = ((ulong*)(Paging.DirectMapBase + table))[index]; // a pool frame: inside the direct map
        return (entry & Paging.Present) != 0 ? entry & Paging.AddressMask : NotPresent;
    }

    public static partial void ClearTable(ulong table) =>
        System.Runtime.InteropServices.NativeMemory.Clear(Entries(table), (nuint)TableBytes);

    public static partial void InitializeRoot(ulong table)
    {
        ulong* root = Entries(table);
        ulong* kernel = Entries(AddressSpace.KernelRoot);
        for (int i = 0; i < EntriesPerTable; i++)
        {
            root[i] = i < UserRootEntries ? 0 : kernel[i];
        }
    }

    public static partial void InvalidatePage(ulong address) => Cpu.InvalidatePage(address);

    /// <summary>Reloading CR3 drops every non-global translation and the paging-structure caches.</summary>
    public static partial void InvalidateAll() => Cpu.WriteCr3(Cpu.ReadCr3());
}
