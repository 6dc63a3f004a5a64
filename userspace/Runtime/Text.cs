namespace CapOS.Runtime;

/// <summary>Building console lines in a caller's buffer without allocating (user programs have no heap yet).</summary>
public static unsafe class Text
{
    /// <summary>Appends the ASCII of <paramref name="text"/> at <paramref name="at"/>; returns the new length.</summary>
    public static ulong Append(byte* line, ulong at, string text)
    {
        for (int i = 0; i < text.Length; i++)
        {
            line[at++] = text[i] < 0x80 ? (byte)text[i] : (byte)'?';
        }

        return at;
    }

    /// <summary>Appends <paramref name="value"/> in decimal at <paramref name="at"/>; returns the new length.</summary>
    public static ulong AppendDecimal(byte* line, ulong at, ulong value)
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
            line[at++] = digits[--count];
        }

        return at;
    }

    /// <summary>Appends <paramref name="value"/> as 16 lowercase hex digits at <paramref name="at"/>; returns the new length.</summary>
    public static ulong AppendHex(byte* line, ulong at, ulong value)
    {
        for (int shift = 60; shift >= 0; shift -= 4)
        {
            ulong digit = (value >> shift) & 0xf;
            line[at++] = (byte)(digit < 10 ? '0' + digit : 'a' + digit - 10);
        }

        return at;
    }
}
