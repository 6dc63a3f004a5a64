namespace CapOS.Kernel.Arch.X64;

/// <summary>
/// The interrupt descriptor table: all 256 vectors point at the stubs of Traps.X64.asm.
/// Gates are interrupt gates (IF cleared on entry), DPL 0 so ring 3 cannot raise
/// them with int n; the double fault runs on IST1.
/// </summary>
internal static unsafe class Idt
{
    public const int DoubleFault = 8;

    private static Table s_table;

    public static void Initialize()
    {
        fixed (Table* table = &s_table)
        {
            ulong* stubs = Cpu.TrapStubTable();
            for (int vector = 0; vector < 256; vector++)
            {
                ulong handler = stubs[vector];
                ulong ist = vector == DoubleFault ? 1UL : 0UL;
                table->Gates[vector * 2] = (handler & 0xFFFF) | ((ulong)Gdt.KernelCode << 16) | (ist << 32) | (0x8EUL << 40) | (((handler >> 16) & 0xFFFF) << 48);
                table->Gates[(vector * 2) + 1] = handler >> 32;
            }

            table->Pointer.Limit = (256 * 16) - 1;
            table->Pointer.Base = (ulong)table->Gates;
            Cpu.LoadIdt(&table->Pointer);
        }
    }

    private struct Table
    {
        public fixed ulong Gates[512];
        public ulong Padding;
        public ushort Padding2;
        public Gdt.DescriptorPointer Pointer;
    }
}
