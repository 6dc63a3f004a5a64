namespace CapOS.Kernel.Boot;

/// <summary>What <see cref="BootInfo.TryGetNumber"/> found for a <c>name=value</c> option.</summary>
public enum OptionStatus : byte
{
    /// <summary>No word of the command line starts with <c>name=</c>.</summary>
    Absent = 0,

    /// <summary>The value parsed (decimal, or hexadecimal after <c>0x</c>).</summary>
    Present,

    /// <summary>The word is there but its value is empty, not a number, or does not fit in 64 bits.</summary>
    Malformed,
}
