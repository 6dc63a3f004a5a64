namespace CapOS.Kernel.Arch.X64;

/// <summary>
/// PCI configuration space through the legacy port pair 0xCF8/0xCFC (configuration
/// mechanism #1, which i440fx and q35 both decode), the bus scan and the capability
/// list. A function is named by its <c>Bdf</c>: bus &lt;&lt; 16 | device &lt;&lt; 11 | function &lt;&lt; 8,
/// the configuration-address layout without the enable bit and register.
/// docs/io.md "The virtio-blk driver".
/// </summary>
internal static class Pci
{
    public const int VendorId = 0x00;
    public const int DeviceId = 0x02;
    public const int Command = 0x04;
    public const int Status = 0x06;
    public const int HeaderType = 0x0E;
    public const int Bar0 = 0x10;
    public const int CapabilitiesPointer = 0x34;

    public const ushort CommandMemorySpace = 0x0002;
    public const ushort CommandBusMaster = 0x0004;
    public const ushort CommandInterruptDisable = 0x0400;
    public const ushort StatusCapabilities = 0x0010;

    public const byte CapabilityMsix = 0x11;
    public const byte CapabilityVendor = 0x09;

    /// <summary>Returned by <see cref="Find"/> when nothing matches.</summary>
    public const uint None = 0xFFFFFFFF;

    private const ushort ConfigAddress = 0xCF8;
    private const ushort ConfigData = 0xCFC;

    public static uint Read32(uint bdf, int offset)
    {
        Select(bdf, offset);
        return Cpu.InDword(ConfigData);
    }

    public static ushort Read16(uint bdf, int offset)
    {
        Select(bdf, offset);
        return Cpu.InWord((ushort)(ConfigData + (offset & 2)));
    }

    public static byte Read8(uint bdf, int offset)
    {
        Select(bdf, offset);
        return Cpu.InByte((ushort)(ConfigData + (offset & 3)));
    }

    public static void Write32(uint bdf, int offset, uint value)
    {
        Select(bdf, offset);
        Cpu.OutDword(ConfigData, value);
    }

    /// <summary>A 16-bit write (never a read-modify-write of the dword: Status bits are write-one-to-clear).</summary>
    public static void Write16(uint bdf, int offset, ushort value)
    {
        Select(bdf, offset);
        Cpu.OutWord((ushort)(ConfigData + (offset & 2)), value);
    }

    /// <summary>The first function with <paramref name="vendor"/> and one of the two device ids, or <see cref="None"/>.</summary>
    public static uint Find(ushort vendor, ushort device1, ushort device2)
    {
        for (uint bus = 0; bus < 256; bus++)
        {
            for (uint device = 0; device < 32; device++)
            {
                uint first = (bus << 16) | (device << 11);
                if (Read16(first, VendorId) == 0xFFFF)
                {
                    continue;
                }

                uint functions = (Read8(first, HeaderType) & 0x80) != 0 ? 8u : 1u;
                for (uint function = 0; function < functions; function++)
                {
                    uint bdf = first | (function << 8);
                    if (Read16(bdf, VendorId) != vendor)
                    {
                        continue;
                    }

                    ushort id = Read16(bdf, DeviceId);
                    if (id == device1 || id == device2)
                    {
                        return bdf;
                    }
                }
            }
        }

        return None;
    }

    /// <summary>
    /// The configuration offset of the capability with <paramref name="id"/> after
    /// <paramref name="after"/> (0: from the start), or 0 when there is none.
    /// </summary>
    public static int NextCapability(uint bdf, byte id, int after)
    {
        if ((Read16(bdf, Status) & StatusCapabilities) == 0)
        {
            return 0;
        }

        int offset = after == 0 ? Read8(bdf, CapabilitiesPointer) & 0xFC : Read8(bdf, after + 1) & 0xFC;
        for (int guard = 0; offset >= 0x40 && guard < 48; guard++)
        {
            if (Read8(bdf, offset) == id)
            {
                return offset;
            }

            offset = Read8(bdf, offset + 1) & 0xFC;
        }

        return 0;
    }

    /// <summary>Writes "bb:dd.f" (hex, as lspci does) to the log.</summary>
    public static void WriteLocation(uint bdf)
    {
        WriteDigits((bdf >> 16) & 0xFF, 2);
        Machine.ConsoleWrite((byte)':');
        WriteDigits((bdf >> 11) & 0x1F, 2);
        Machine.ConsoleWrite((byte)'.');
        WriteDigits((bdf >> 8) & 7, 1);
    }

    private static void WriteDigits(uint value, int digits)
    {
        for (int shift = (digits - 1) * 4; shift >= 0; shift -= 4)
        {
            uint nibble = (value >> shift) & 0xF;
            Machine.ConsoleWrite((byte)(nibble < 10 ? '0' + nibble : 'a' + nibble - 10));
        }
    }

    private static void Select(uint bdf, int offset) =>
        Cpu.OutDword(ConfigAddress, 0x80000000u | bdf | ((uint)offset & 0xFC));
}
