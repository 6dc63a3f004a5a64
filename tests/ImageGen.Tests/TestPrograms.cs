using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.IO;
using CapOS.ImageGen.Description;

namespace CapOS.ImageGen.Tests;

/// <summary>
/// Small static ELF64 files written by hand, in a temporary artifacts folder, so the program and process
/// tests do not depend on the user programs the build compiles (whose bytes change with every edit).
/// </summary>
internal sealed class TestPrograms : IDisposable
{
    /// <summary>p_flags: R, W, X.</summary>
    public const uint R = 4, W = 2, X = 1;

    public TestPrograms() => Artifacts = Directory.CreateTempSubdirectory("imagegen-programs").FullName;

    /// <summary>The folder `program` paths are relative to.</summary>
    public string Artifacts { get; }

    public void Dispose() => Directory.Delete(Artifacts, recursive: true);

    /// <summary>
    /// Hello-shaped: text (R X) at 0x400000 and rodata (R) sharing its page, data + bss (R W) from 0x401000 to
    /// 0x404000 with one non-zero page: a read-only page, three writable ones.
    /// </summary>
    public string Hello(string name = "user/demo.elf") => Write(name, 0x400010,
        new Segment(0x400000, R | X, Bytes(0x40, 0xC3), 0x40),
        new Segment(0x400040, R, Bytes(0x10, 0x52), 0x10),
        new Segment(0x401000, R | W, Bytes(0x20, 0xD0), 0x3000));

    /// <summary>Writes an ELF with <paramref name="segments"/> (PT_LOAD) and returns its path relative to <see cref="Artifacts"/>.</summary>
    public string Write(string name, ulong entry, params Segment[] segments) =>
        WriteBytes(name, Elf(entry, 2, 0x3E, segments));

    /// <summary>Writes raw bytes as a program file.</summary>
    public string WriteBytes(string name, byte[] bytes)
    {
        string path = Path.Combine(Artifacts, name);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllBytes(path, bytes);
        return name;
    }

    /// <summary>Parses a description whose `program` paths are relative to <see cref="Artifacts"/>.</summary>
    public SystemDescription Parse(string text) => DescriptionParser.Parse(text, "test.sys", ".", Artifacts);

    /// <summary>An ELF64 image: header, program headers (type 1 unless <see cref="Segment.Type"/>), then the data.</summary>
    public static byte[] Elf(ulong entry, ushort type, ushort machine, params Segment[] segments)
    {
        int headers = 64;
        int data = headers + (56 * segments.Length);
        var file = new byte[data];
        BinaryPrimitives.WriteUInt32LittleEndian(file, 0x464C457F);
        file[4] = 2;
        file[5] = 1;
        file[6] = 1;
        BinaryPrimitives.WriteUInt16LittleEndian(file.AsSpan(16), type);
        BinaryPrimitives.WriteUInt16LittleEndian(file.AsSpan(18), machine);
        BinaryPrimitives.WriteUInt64LittleEndian(file.AsSpan(24), entry);
        BinaryPrimitives.WriteUInt64LittleEndian(file.AsSpan(32), (ulong)headers);
        BinaryPrimitives.WriteUInt16LittleEndian(file.AsSpan(52), 64);
        BinaryPrimitives.WriteUInt16LittleEndian(file.AsSpan(54), 56);
        BinaryPrimitives.WriteUInt16LittleEndian(file.AsSpan(56), (ushort)segments.Length);
        var tail = new List<byte>();
        for (int i = 0; i < segments.Length; i++)
        {
            Segment s = segments[i];
            Span<byte> h = file.AsSpan(headers + (56 * i), 56);
            BinaryPrimitives.WriteUInt32LittleEndian(h, s.Type);
            BinaryPrimitives.WriteUInt32LittleEndian(h[4..], s.Flags);
            BinaryPrimitives.WriteUInt64LittleEndian(h[8..], (ulong)(data + tail.Count));
            BinaryPrimitives.WriteUInt64LittleEndian(h[16..], s.Address);
            BinaryPrimitives.WriteUInt64LittleEndian(h[24..], s.Address);
            BinaryPrimitives.WriteUInt64LittleEndian(h[32..], (ulong)s.Data.Length);
            BinaryPrimitives.WriteUInt64LittleEndian(h[40..], s.MemorySize);
            BinaryPrimitives.WriteUInt64LittleEndian(h[48..], 0x1000);
            tail.AddRange(s.Data);
        }

        var bytes = new List<byte>(file);
        bytes.AddRange(tail);
        return bytes.ToArray();
    }

    /// <summary><paramref name="count"/> bytes of <paramref name="value"/>.</summary>
    public static byte[] Bytes(int count, byte value)
    {
        var bytes = new byte[count];
        Array.Fill(bytes, value);
        return bytes;
    }
}

/// <summary>A program header: PT_LOAD unless <paramref name="Type"/> says otherwise.</summary>
internal readonly record struct Segment(ulong Address, uint Flags, byte[] Data, ulong MemorySize, uint Type = 1);
