namespace CapOS.Kernel.Arch.X64;

/// <summary>The COM1 UART (16550): 115200 8N1, polled; the kernel console.</summary>
internal static class Serial
{
    private const ushort Com1 = 0x3F8;

    public static void Initialize()
    {
        Cpu.OutByte(Com1 + 1, 0x00); // no UART interrupts
        Cpu.OutByte(Com1 + 3, 0x80); // DLAB on
        Cpu.OutByte(Com1 + 0, 0x01); // divisor 1: 115200 baud
        Cpu.OutByte(Com1 + 1, 0x00);
        Cpu.OutByte(Com1 + 3, 0x03); // 8N1, DLAB off
        Cpu.OutByte(Com1 + 2, 0xC7); // FIFO on, cleared
        Cpu.OutByte(Com1 + 4, 0x03); // DTR, RTS
    }

    public static void Write(byte value)
    {
        if (value == (byte)'\n')
        {
            WriteRaw((byte)'\r');
        }

        WriteRaw(value);
    }

    /// <summary>
    /// Waits for the transmit holding register to empty, without a limit: a UART always drains, and
    /// QEMU's holds THRE clear only while its chardev back-pressures (the host side is slow to read).
    /// A bounded wait lost bytes of boot lines on a loaded host.
    /// </summary>
    private static void WriteRaw(byte value)
    {
        while ((Cpu.InByte(Com1 + 5) & 0x20) == 0)
        {
            Cpu.Pause();
        }

        Cpu.OutByte(Com1, value);
    }
}
