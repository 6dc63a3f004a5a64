using CapOS.Kernel.Host;

namespace CapOS.Kernel.Process;

/// <summary>
/// Simulated half of the mapping seam: tables are frames of simulated memory holding entries in a format
/// of the simulator's own (<see cref="SimulatedMmu"/>), and TLB invalidations reach the simulated MMU's TLB.
/// </summary>
public static unsafe partial class MappingTable
{
    private static SimulatedMmu Mmu =>
        SimulatedMachine.Current?.Mmu ?? throw new System.InvalidOperationException("no SimulatedMachine is current");

    private static ulong* Entries(ulong table) => (ulong*)Machine.PhysicalToVirtual(table);

    public static partial void SetEntry(ulong table, int level, int index, ulong target, bool writable, bool user)
    {
        if ((target & (TableBytes - 1)) != 0)
        {
            throw new System.ArgumentException($"target 0x{target:x} not page aligned");
        }

        Entries(table)[index] = SimulatedMmu.Encode(target, writable, user);
        Mmu.EntryWrites++;
    }

    public static partial void SetReadOnlyLeaf(ulong table, int index, ulong target) => SetEntry(table, 0, index, target, writable: false, user: true);

    public static partial void ClearEntry(ulong table, int index) => Entries(table)[index] = 0;

    public static partial void ClearWritable(ulong table, int index) => Entries(table)[index] &= ~SimulatedMmu.WritableBit;

    public static partial bool ReadEntry(ulong table, int index, out ulong target, out bool writable, out bool user) =>
        SimulatedMmu.Decode(Entries(table)[index], out target, out writable, out user);

    public static partial ulong PresentTarget(ulong table, int index) =>
        SimulatedMmu.Decode(Entries(table)[index], out ulong target, out _, out _) ? target : NotPresent;

    public static partial void ClearTable(ulong table) =>
        System.Runtime.InteropServices.NativeMemory.Clear(Entries(table), (nuint)TableBytes);

    public static partial void InitializeRoot(ulong table) => ClearTable(table);

    public static partial void InvalidatePage(ulong address) => Mmu.InvalidatePage(address);

    public static partial void InvalidateAll() => Mmu.InvalidateAll();
}
