using System;
using System.Buffers.Binary;
using System.Collections.Generic;

namespace CapOS.ImageGen.Description;

/// <summary>
/// Reads a user program: a static x86-64 ELF64 executable (ET_EXEC, little-endian, no interpreter, no
/// dynamic section), as the user linker script writes it (userspace/Runtime/user.ld). Only the entry point
/// and the PT_LOAD segments matter; section headers are ignored. Every malformation is a
/// DescriptionException at the program's line naming the file (docs/imagegen.md "Programs").
/// </summary>
internal static class ElfReader
{
    /// <summary>The user half of x86-64: addresses below 2^47 (a height-7 segment's span).</summary>
    public const ulong UserLimit = 1UL << 47;

    private const int HeaderSize = 64;
    private const int ProgramHeaderSize = 56;
    private const ushort TypeExecutable = 2;
    private const ushort MachineX64 = 0x3E;
    private const uint SegmentLoad = 1;
    private const uint SegmentDynamic = 2;
    private const uint SegmentInterpreter = 3;

    /// <summary>The entry point and the non-empty PT_LOAD segments of <paramref name="file"/>, sorted by address.</summary>
    public static ElfImage Read(byte[] file, string name, SourcePosition where)
    {
        if (file.Length < HeaderSize || BinaryPrimitives.ReadUInt32LittleEndian(file) != 0x464C457F)
        {
            throw new DescriptionException(where, $"'{name}' is not an ELF file");
        }

        ushort type = BinaryPrimitives.ReadUInt16LittleEndian(file.AsSpan(16));
        ushort machine = BinaryPrimitives.ReadUInt16LittleEndian(file.AsSpan(18));
        if (file[4] != 2 || file[5] != 1 || type != TypeExecutable || machine != MachineX64)
        {
            throw new DescriptionException(where, $"'{name}' is not a static x86-64 ELF64 executable (class {file[4]}, data {file[5]}, type {type}, machine 0x{machine:x})");
        }

        ulong entry = BinaryPrimitives.ReadUInt64LittleEndian(file.AsSpan(24));
        ulong headers = BinaryPrimitives.ReadUInt64LittleEndian(file.AsSpan(32));
        ushort headerSize = BinaryPrimitives.ReadUInt16LittleEndian(file.AsSpan(54));
        ushort count = BinaryPrimitives.ReadUInt16LittleEndian(file.AsSpan(56));
        if (headerSize < ProgramHeaderSize || headers > (ulong)file.Length || (ulong)headerSize * count > (ulong)file.Length - headers)
        {
            throw new DescriptionException(where, $"'{name}': the program headers lie outside the file");
        }

        var segments = new List<ElfSegment>();
        for (int i = 0; i < count; i++)
        {
            ReadOnlySpan<byte> header = file.AsSpan((int)headers + (i * headerSize), ProgramHeaderSize);
            uint kind = BinaryPrimitives.ReadUInt32LittleEndian(header);
            if (kind == SegmentDynamic || kind == SegmentInterpreter)
            {
                throw new DescriptionException(where, $"'{name}': segment {i} asks for dynamic linking; a program must be static");
            }

            var segment = new ElfSegment(i,
                BinaryPrimitives.ReadUInt32LittleEndian(header[4..]),
                BinaryPrimitives.ReadUInt64LittleEndian(header[8..]),
                BinaryPrimitives.ReadUInt64LittleEndian(header[16..]),
                BinaryPrimitives.ReadUInt64LittleEndian(header[32..]),
                BinaryPrimitives.ReadUInt64LittleEndian(header[40..]));
            if (kind == SegmentLoad && segment.MemorySize > 0)
            {
                Validate(segment, (ulong)file.Length, name, where);
                segments.Add(segment);
            }
        }

        if (segments.Count == 0)
        {
            throw new DescriptionException(where, $"'{name}' has no PT_LOAD segment");
        }

        segments.Sort((a, b) => a.VirtualAddress.CompareTo(b.VirtualAddress));
        for (int i = 1; i < segments.Count; i++)
        {
            if (segments[i].VirtualAddress < segments[i - 1].End)
            {
                throw new DescriptionException(where, $"'{name}': segment {segments[i].Index} {segments[i]} overlaps segment {segments[i - 1].Index} {segments[i - 1]}");
            }
        }

        if (!segments.Exists(s => s.Executable && entry >= s.VirtualAddress && entry < s.End))
        {
            throw new DescriptionException(where, $"'{name}': the entry point 0x{entry:x} is not in an executable segment");
        }

        return new ElfImage(entry, segments);
    }

    private static void Validate(ElfSegment segment, ulong fileLength, string name, SourcePosition where)
    {
        if (segment.FileSize > segment.MemorySize)
        {
            throw new DescriptionException(where, $"'{name}': segment {segment.Index} has more file bytes (0x{segment.FileSize:x}) than memory bytes (0x{segment.MemorySize:x})");
        }

        if (segment.FileOffset > fileLength || segment.FileSize > fileLength - segment.FileOffset)
        {
            throw new DescriptionException(where, $"'{name}': segment {segment.Index} reads past the end of the file");
        }

        if (segment.VirtualAddress >= UserLimit || segment.MemorySize > UserLimit - segment.VirtualAddress)
        {
            throw new DescriptionException(where, $"'{name}': segment {segment.Index} {segment} reaches beyond the user half (0x{UserLimit:x})");
        }
    }
}

/// <summary>A program's entry point and its loadable segments (sorted by address, non-overlapping).</summary>
internal sealed record ElfImage(ulong Entry, List<ElfSegment> Segments);
