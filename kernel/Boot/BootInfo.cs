using System;
using CapOS.Kernel.Diagnostics;

namespace CapOS.Kernel.Boot;

/// <summary>Which boot protocol handed the machine over.</summary>
public enum BootLoader : byte
{
    Unknown = 0,
    Multiboot1 = 1,
    Multiboot2 = 2,
}

/// <summary>
/// Loader-neutral description of the machine at boot: the memory map, the ranges
/// that must not be handed out (kernel image), the boot modules and the command
/// line. Filled by exactly one file per boot protocol (Arch.X64/Multiboot.X64.cs);
/// a Limine entry would be one more such file. docs/boot.md "Boot information".
/// </summary>
/// <remarks>
/// Strings are copied in, so the loader's memory may be reused once this is filled.
/// Invariants: (I1) RegionCount &lt;= MaxRegions, ModuleCount &lt;= MaxModules,
/// ReservedCount &lt;= MaxReserved; (I2) every module lies in [ModuleStart, ModuleEnd)
/// with ModuleStart &lt;= ModuleEnd. Checked by <see cref="Validate"/>.
/// </remarks>
public unsafe struct BootInfo
{
    public const int MaxRegions = 64;
    public const int MaxModules = 8;
    public const int MaxReserved = 8;
    public const int CommandLineCapacity = 256;
    public const int ModuleNameCapacity = 64;

    /// <summary>Memory below this address is never handed out (real-mode structures, BIOS, device holes).</summary>
    public const ulong LowMemoryLimit = 0x100000;

    public BootLoader Loader;
    public int RegionCount;
    public int ModuleCount;
    public int ReservedCount;
    public int CommandLineLength;

    private fixed ulong _regionBase[MaxRegions];
    private fixed ulong _regionLength[MaxRegions];
    private fixed byte _regionKind[MaxRegions];
    private fixed ulong _moduleStart[MaxModules];
    private fixed ulong _moduleEnd[MaxModules];
    private fixed int _moduleNameLength[MaxModules];
    private fixed byte _moduleNames[MaxModules * ModuleNameCapacity];
    private fixed ulong _reservedBase[MaxReserved];
    private fixed ulong _reservedEnd[MaxReserved];
    private fixed byte _commandLine[CommandLineCapacity];

    /// <summary>Appends a memory-map region; extra regions beyond MaxRegions are dropped (and said so).</summary>
    public void AddRegion(ulong regionBase, ulong length, MemoryKind kind)
    {
        if (RegionCount >= MaxRegions)
        {
            Log.WriteLine("boot: memory map truncated");
            return;
        }

        _regionBase[RegionCount] = regionBase;
        _regionLength[RegionCount] = length;
        _regionKind[RegionCount] = (byte)kind;
        RegionCount++;
    }

    public readonly MemoryRegion Region(int index)
    {
        Panic.Assert((uint)index < (uint)RegionCount, "BootInfo.Region: index out of range");
        MemoryRegion region;
        region.Base = _regionBase[index];
        region.Length = _regionLength[index];
        region.Kind = (MemoryKind)_regionKind[index];
        return region;
    }

    /// <summary>Records a physical range [start, end) the page allocator must not hand out.</summary>
    public void AddReserved(ulong start, ulong end)
    {
        Panic.Assert(ReservedCount < MaxReserved, "BootInfo: too many reserved ranges (I1)");
        _reservedBase[ReservedCount] = start;
        _reservedEnd[ReservedCount] = end;
        ReservedCount++;
    }

    public readonly ulong ReservedStart(int index) => _reservedBase[index];

    public readonly ulong ReservedEnd(int index) => _reservedEnd[index];

    /// <summary>Appends a module at [start, end) named by the <paramref name="nameLength"/> bytes at <paramref name="name"/>.</summary>
    public void AddModule(ulong start, ulong end, byte* name, int nameLength)
    {
        if (ModuleCount >= MaxModules)
        {
            Log.WriteLine("boot: too many modules; extra ones ignored");
            return;
        }

        _moduleStart[ModuleCount] = start;
        _moduleEnd[ModuleCount] = end;
        int length = Math.Min(nameLength, ModuleNameCapacity);
        for (int i = 0; i < length; i++)
        {
            _moduleNames[(ModuleCount * ModuleNameCapacity) + i] = name[i];
        }

        _moduleNameLength[ModuleCount] = length;
        ModuleCount++;
    }

    public readonly ulong ModuleStart(int index) => _moduleStart[index];

    public readonly ulong ModuleEnd(int index) => _moduleEnd[index];

    public readonly int ModuleNameLength(int index) => _moduleNameLength[index];

    public readonly byte ModuleNameByte(int index, int offset) => _moduleNames[(index * ModuleNameCapacity) + offset];

    /// <summary>Copies the command line in (truncated to CommandLineCapacity).</summary>
    public void SetCommandLine(byte* text, int length)
    {
        CommandLineLength = Math.Min(length, CommandLineCapacity);
        for (int i = 0; i < CommandLineLength; i++)
        {
            _commandLine[i] = text[i];
        }
    }

    public readonly byte CommandLineByte(int index) => _commandLine[index];

    /// <summary>True when the command line holds <paramref name="option"/> as a whole space-separated word.</summary>
    public readonly bool HasOption(string option)
    {
        int i = 0;
        while (NextWord(ref i, out int start))
        {
            if (i - start == option.Length && WordEquals(start, option))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// Finds the first word <c>name=value</c> of the command line and parses value as a 64-bit
    /// number: decimal, or hexadecimal after <c>0x</c>/<c>0X</c> (<c>walk=0x1000</c>, <c>cache-pages=256</c>).
    /// <paramref name="value"/> is 0 unless the result is <see cref="OptionStatus.Present"/>.
    /// </summary>
    public readonly OptionStatus TryGetNumber(string name, out ulong value)
    {
        value = 0;
        int i = 0;
        while (NextWord(ref i, out int start))
        {
            int valueStart = start + name.Length + 1;
            if (valueStart <= i && WordEquals(start, name) && _commandLine[valueStart - 1] == (byte)'=')
            {
                return ParseNumber(valueStart, i, out value) ? OptionStatus.Present : OptionStatus.Malformed;
            }
        }

        return OptionStatus.Absent;
    }

    /// <summary>
    /// Finds the next space-separated word of the command line at or after <paramref name="i"/>: on true it
    /// spans [<paramref name="start"/>, <paramref name="i"/>); false when only spaces are left.
    /// </summary>
    private readonly bool NextWord(ref int i, out int start)
    {
        while (i < CommandLineLength && _commandLine[i] == (byte)' ')
        {
            i++;
        }

        start = i;
        while (i < CommandLineLength && _commandLine[i] != (byte)' ')
        {
            i++;
        }

        return i > start;
    }

    /// <summary>Total bytes of usable memory in the map.</summary>
    public readonly ulong UsableBytes()
    {
        ulong total = 0;
        for (int i = 0; i < RegionCount; i++)
        {
            if ((MemoryKind)_regionKind[i] == MemoryKind.Usable)
            {
                total += _regionLength[i];
            }
        }

        return total;
    }

    /// <summary>Checks I1 and I2.</summary>
    public readonly void Validate()
    {
        Panic.Assert(RegionCount <= MaxRegions && ModuleCount <= MaxModules && ReservedCount <= MaxReserved, "BootInfo: counts out of range (I1)");
        for (int i = 0; i < ModuleCount; i++)
        {
            Panic.Assert(_moduleStart[i] <= _moduleEnd[i], "BootInfo: module ends before it starts (I2)");
        }
    }

    private readonly bool ParseNumber(int start, int end, out ulong value)
    {
        value = 0;
        ulong radix = 10;
        if (end - start > 2 && _commandLine[start] == (byte)'0' && (_commandLine[start + 1] | 0x20) == (byte)'x')
        {
            radix = 16;
            start += 2;
        }

        if (start >= end)
        {
            return false;
        }

        for (int i = start; i < end; i++)
        {
            uint digit = DigitValue(_commandLine[i]);
            if (digit >= radix || value > (ulong.MaxValue - digit) / radix)
            {
                value = 0;
                return false;
            }

            value = (value * radix) + digit;
        }

        return true;
    }

    private static uint DigitValue(byte c) =>
        c >= (byte)'0' && c <= (byte)'9' ? (uint)(c - '0')
        : (c | 0x20) >= (byte)'a' && (c | 0x20) <= (byte)'f' ? (uint)((c | 0x20) - 'a' + 10)
        : 99;

    private readonly bool WordEquals(int start, string word)
    {
        for (int j = 0; j < word.Length; j++)
        {
            if (_commandLine[start + j] != (byte)word[j])
            {
                return false;
            }
        }

        return true;
    }
}
