namespace CapOS.Kernel.Arch.X64;

/// <summary>
/// Memory base address registers: where a function's registers are, and placing them
/// when the firmware did not. SeaBIOS assigns every BAR below 4 GiB; qboot (the fast
/// firmware of <c>./capos run</c>) assigns none. A memory BAR that is unassigned, or lies
/// above the 4 GiB the direct map covers, gets an address from <see cref="WindowBase"/> up:
/// on QEMU's pc (i440fx) and q35 machines nothing but PCI decodes 0xE0000000..0xFEBFFFFF
/// (guest RAM below 4 GiB ends at 0xE0000000 at most). docs/io.md "The virtio-blk driver".
/// </summary>
internal static class PciBar
{
    public const ulong WindowBase = 0xE0000000;
    public const ulong WindowEnd = 0xFEC00000;

    /// <summary>The next free address of the window; 0 until the first assignment.</summary>
    private static ulong s_next;

    /// <summary>
    /// The physical address of memory BAR <paramref name="index"/>, placed in the window first if
    /// needed; 0 when it is an I/O BAR, is not implemented, or does not fit.
    /// </summary>
    public static ulong Memory(uint bdf, int index)
    {
        int offset = Pci.Bar0 + (index * 4);
        uint low = Pci.Read32(bdf, offset);
        if ((low & 1) != 0)
        {
            return 0;
        }

        bool wide = ((low >> 1) & 3) == 2;
        ulong address = low & ~0xFUL;
        if (wide)
        {
            address |= (ulong)Pci.Read32(bdf, offset + 4) << 32;
        }

        if (address != 0 && address < WindowEnd)
        {
            return address;
        }

        return Assign(bdf, offset, wide);
    }

    private static ulong Assign(uint bdf, int offset, bool wide)
    {
        ushort command = Pci.Read16(bdf, Pci.Command);
        Pci.Write16(bdf, Pci.Command, (ushort)(command & ~Pci.CommandMemorySpace));
        Pci.Write32(bdf, offset, 0xFFFFFFFF);
        uint mask = Pci.Read32(bdf, offset) & ~0xFu;
        ulong size = mask == 0 ? 0 : (ulong)(~mask + 1);
        if (s_next == 0)
        {
            s_next = WindowBase;
        }

        ulong address = size == 0 ? 0 : (s_next + size - 1) & ~(size - 1);
        if (size == 0 || address + size > WindowEnd)
        {
            address = 0;
        }
        else
        {
            s_next = address + size;
        }

        Pci.Write32(bdf, offset, (uint)address);
        if (wide)
        {
            Pci.Write32(bdf, offset + 4, 0);
        }

        Pci.Write16(bdf, Pci.Command, command);
        return address;
    }
}
