using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.IO;
using System.Text;

namespace CapOS.Launcher.Bench.Lmbench;

/// <summary>
/// What a 64-bit little-endian ELF needs to run: its interpreter (<c>PT_INTERP</c>) and the libraries its dynamic
/// section names (<c>DT_NEEDED</c>, strings in <c>DT_STRTAB</c>, whose address is turned into a file offset through
/// the <c>PT_LOAD</c> segments). Used to put into the Linux guest's initramfs exactly the libraries the lmbench
/// binaries load. Pure; bad input is an <see cref="InvalidDataException"/>.
/// </summary>
/// <param name="Interpreter">The program interpreter's path, or null for a static executable.</param>
/// <param name="Needed">The needed libraries' names, in the order of the dynamic section.</param>
public sealed record ElfDependencies(string? Interpreter, IReadOnlyList<string> Needed)
{
    private const uint Load = 1, Dynamic = 2, Interp = 3;
    private const long TagNeeded = 1, TagStringTable = 5;

    /// <summary>Reads <paramref name="elf"/>.</summary>
    public static ElfDependencies Read(ReadOnlySpan<byte> elf)
    {
        if (elf.Length < 64 || elf[0] != 0x7F || elf[1] != (byte)'E' || elf[2] != (byte)'L' || elf[3] != (byte)'F')
        {
            throw new InvalidDataException("not an ELF file");
        }
        if (elf[4] != 2 || elf[5] != 1)
        {
            throw new InvalidDataException("not a 64-bit little-endian ELF file");
        }
        long programHeaders = (long)U64(elf, 0x20);
        int entrySize = U16(elf, 0x36), count = U16(elf, 0x38);
        if (entrySize < 56 || programHeaders + (long)entrySize * count > elf.Length)
        {
            throw new InvalidDataException("the program headers lie outside the file");
        }
        var loads = new List<(ulong Address, ulong Offset, ulong Size)>();
        string? interpreter = null;
        (ulong Offset, ulong Size)? dynamic = null;
        for (int i = 0; i < count; i++)
        {
            ReadOnlySpan<byte> header = elf.Slice((int)(programHeaders + (long)i * entrySize), entrySize);
            uint type = BinaryPrimitives.ReadUInt32LittleEndian(header);
            ulong offset = U64(header, 8), address = U64(header, 16), fileSize = U64(header, 32);
            if (offset + fileSize > (ulong)elf.Length)
            {
                throw new InvalidDataException($"segment {i} lies outside the file");
            }
            switch (type)
            {
                case Load:
                    loads.Add((address, offset, fileSize));
                    break;
                case Interp:
                    interpreter = CString(elf, offset);
                    break;
                case Dynamic:
                    dynamic = (offset, fileSize);
                    break;
            }
        }
        return new ElfDependencies(interpreter, dynamic is { } d ? NeededOf(elf, d.Offset, d.Size, loads) : []);
    }

    private static List<string> NeededOf(ReadOnlySpan<byte> elf, ulong offset, ulong size, List<(ulong Address, ulong Offset, ulong Size)> loads)
    {
        var names = new List<ulong>();
        ulong? table = null;
        for (ulong at = offset; at + 16 <= offset + size; at += 16)
        {
            long tag = (long)U64(elf, (long)at);
            ulong value = U64(elf, (long)at + 8);
            if (tag == 0)
            {
                break;
            }
            if (tag == TagNeeded)
            {
                names.Add(value);
            }
            else if (tag == TagStringTable)
            {
                table = value;
            }
        }
        if (names.Count == 0)
        {
            return [];
        }
        if (table is not ulong address)
        {
            throw new InvalidDataException("DT_NEEDED without DT_STRTAB");
        }
        foreach ((ulong start, ulong fileOffset, ulong fileSize) in loads)
        {
            if (address >= start && address < start + fileSize)
            {
                ulong strings = fileOffset + (address - start);
                var found = new List<string>(names.Count);
                foreach (ulong name in names)
                {
                    found.Add(CString(elf, strings + name));
                }
                return found;
            }
        }
        throw new InvalidDataException("DT_STRTAB lies in no loaded segment");
    }

    private static string CString(ReadOnlySpan<byte> elf, ulong offset)
    {
        if (offset >= (ulong)elf.Length)
        {
            throw new InvalidDataException("a string lies outside the file");
        }
        ReadOnlySpan<byte> rest = elf[(int)offset..];
        int end = rest.IndexOf((byte)0);
        if (end < 0)
        {
            throw new InvalidDataException("a string has no terminating NUL");
        }
        return Encoding.UTF8.GetString(rest[..end]);
    }

    private static ulong U64(ReadOnlySpan<byte> bytes, long at) =>
        at + 8 <= bytes.Length ? BinaryPrimitives.ReadUInt64LittleEndian(bytes[(int)at..]) : throw new InvalidDataException("truncated ELF file");

    private static int U16(ReadOnlySpan<byte> bytes, int at) => BinaryPrimitives.ReadUInt16LittleEndian(bytes[at..]);
}
