namespace CapOS.Kernel.Arch.X64;

/// <summary>
/// MSI-X: a device interrupt is a memory write to the local APIC (address 0xFEE00000 with
/// the destination APIC id, data = the vector, fixed delivery, edge), so neither the masked
/// legacy PIC nor the IOAPIC is involved. docs/io.md "The virtio-blk driver".
/// </summary>
internal static unsafe class Msix
{
    private const int MessageControl = 2;
    private const int TableLocation = 4;
    private const ushort ControlEnable = 0x8000;
    private const ushort ControlFunctionMask = 0x4000;
    private const ulong ApicMessageAddress = 0xFEE00000;
    private const int LapicId = 0x20;

    /// <summary>
    /// Points table entry <paramref name="entry"/> of the function at this processor's
    /// local APIC with <paramref name="vector"/>, unmasks it and enables MSI-X (INTx off).
    /// False when the function has no MSI-X, too few entries or an unplaceable table.
    /// </summary>
    public static bool Enable(uint bdf, int entry, byte vector)
    {
        int capability = Pci.NextCapability(bdf, Pci.CapabilityMsix, 0);
        if (capability == 0)
        {
            return false;
        }

        ushort control = Pci.Read16(bdf, capability + MessageControl);
        if (entry > (control & 0x7FF))
        {
            return false;
        }

        uint location = Pci.Read32(bdf, capability + TableLocation);
        ulong bar = PciBar.Memory(bdf, (int)(location & 7));
        if (bar == 0)
        {
            return false;
        }

        ushort command = Pci.Read16(bdf, Pci.Command);
        Pci.Write16(bdf, Pci.Command, (ushort)(command | Pci.CommandMemorySpace | Pci.CommandInterruptDisable));
        byte* slot = Paging.PhysicalToVirtual(bar + (location & ~7u) + ((ulong)entry * 16));
        Mmio.Write32(slot + 12, 1); // masked while it is rewritten
        Mmio.Write32(slot, (uint)ApicMessageAddress | (CurrentApicId() << 12));
        Mmio.Write32(slot + 4, 0);
        Mmio.Write32(slot + 8, vector); // fixed delivery, edge
        Mmio.Write32(slot + 12, 0);
        Pci.Write16(bdf, capability + MessageControl, (ushort)((control | ControlEnable) & ~ControlFunctionMask));
        return true;
    }

    private static uint CurrentApicId()
    {
        byte* lapic = Paging.PhysicalToVirtual(Cpu.ReadMsr(Cpu.MsrApicBase) & 0xFFFFF000);
        return Mmio.Read32(lapic + LapicId) >> 24;
    }
}
