namespace CapOS.Kernel.Diagnostics;

/// <summary>
/// The kernel console: unbuffered text output with no allocation, for boot
/// messages, fault reports and test markers. Writes through <see cref="Machine.ConsoleWrite"/>.
/// </summary>
public static class Log
{
    public static void Write(string text)
    {
        for (int i = 0; i < text.Length; i++)
        {
            char c = text[i];
            Machine.ConsoleWrite(c < 0x80 ? (byte)c : (byte)'?');
        }
    }

    public static void WriteLine(string text)
    {
        Write(text);
        WriteLine();
    }

    public static void WriteLine() => Machine.ConsoleWrite((byte)'\n');

    public static void WriteChar(char c) => Machine.ConsoleWrite(c < 0x80 ? (byte)c : (byte)'?');

    /// <summary>Writes <paramref name="value"/> in decimal.</summary>
    public static void WriteDecimal(ulong value)
    {
        unsafe
        {
            byte* digits = stackalloc byte[20];
            int count = 0;
            do
            {
                digits[count++] = (byte)('0' + (value % 10));
                value /= 10;
            }
            while (value != 0);
            while (count > 0)
            {
                Machine.ConsoleWrite(digits[--count]);
            }
        }
    }

    /// <summary>Writes <paramref name="value"/> in decimal, with a sign when negative.</summary>
    public static void WriteDecimal(long value)
    {
        if (value < 0)
        {
            Machine.ConsoleWrite((byte)'-');
            WriteDecimal((ulong)(-(value + 1)) + 1);
        }
        else
        {
            WriteDecimal((ulong)value);
        }
    }

    /// <summary>Writes <paramref name="value"/> as "0x" and its shortest hex form (at least one digit).</summary>
    public static void WriteHexShort(ulong value)
    {
        int digits = 1;
        while (digits < 16 && (value >> (digits * 4)) != 0)
        {
            digits++;
        }

        WriteHex(value, digits);
    }

    /// <summary>Writes <paramref name="value"/> as "0x" and <paramref name="digits"/> hex digits (1..16).</summary>
    public static void WriteHex(ulong value, int digits = 16)
    {
        Machine.ConsoleWrite((byte)'0');
        Machine.ConsoleWrite((byte)'x');
        WriteHexDigits(value, digits);
    }

    /// <summary>Writes <paramref name="value"/> as <paramref name="digits"/> lowercase hex digits (1..16), no prefix.</summary>
    public static void WriteHexDigits(ulong value, int digits = 16)
    {
        for (int shift = (digits - 1) * 4; shift >= 0; shift -= 4)
        {
            uint nibble = (uint)(value >> shift) & 0xF;
            Machine.ConsoleWrite((byte)(nibble < 10 ? '0' + nibble : 'a' + nibble - 10));
        }
    }
}
