using System;
using System.Buffers.Binary;
using System.IO;
using System.Text;
using CapOS.Launcher.Bench.Lmbench;
using Xunit;

namespace CapOS.Launcher.Tests.Bench.Lmbench;

public class ElfDependenciesTests
{
    /// <summary>A minimal ELF64: PT_INTERP, one PT_LOAD at 0x400000 covering the file, PT_DYNAMIC with two
    /// DT_NEEDED entries and DT_STRTAB (an address, found through the PT_LOAD).</summary>
    internal static byte[] Elf(string? interpreter, params string[] needed)
    {
        var bytes = new byte[1024];
        "\u007fELF"u8.ToArray().CopyTo(bytes, 0);
        bytes[4] = 2;
        bytes[5] = 1;
        const int headers = 64, strings = 512, dynamic = 768;
        const ulong loadAddress = 0x400000;
        BinaryPrimitives.WriteUInt64LittleEndian(bytes.AsSpan(0x20), headers);
        BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(0x36), 56);
        BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(0x38), 3);
        void Header(int index, uint type, ulong offset, ulong address, ulong size)
        {
            Span<byte> h = bytes.AsSpan(headers + index * 56);
            BinaryPrimitives.WriteUInt32LittleEndian(h, type);
            BinaryPrimitives.WriteUInt64LittleEndian(h[8..], offset);
            BinaryPrimitives.WriteUInt64LittleEndian(h[16..], address);
            BinaryPrimitives.WriteUInt64LittleEndian(h[32..], size);
        }
        int interpAt = 400;
        if (interpreter is not null)
        {
            Encoding.ASCII.GetBytes(interpreter).CopyTo(bytes, interpAt);
        }
        Header(0, interpreter is null ? 6u : 3u, (ulong)interpAt, 0, (ulong)(interpreter?.Length + 1 ?? 0));
        Header(1, 1, 0, loadAddress, (ulong)bytes.Length);
        int at = 1;
        int entry = 0;
        foreach (string name in needed)
        {
            Encoding.ASCII.GetBytes(name).CopyTo(bytes, strings + at);
            BinaryPrimitives.WriteInt64LittleEndian(bytes.AsSpan(dynamic + entry * 16), 1);
            BinaryPrimitives.WriteUInt64LittleEndian(bytes.AsSpan(dynamic + entry * 16 + 8), (ulong)at);
            entry++;
            at += name.Length + 1;
        }
        BinaryPrimitives.WriteInt64LittleEndian(bytes.AsSpan(dynamic + entry * 16), 5);
        BinaryPrimitives.WriteUInt64LittleEndian(bytes.AsSpan(dynamic + entry * 16 + 8), loadAddress + strings);
        entry++;
        Header(2, 2, dynamic, loadAddress + dynamic, (ulong)((entry + 1) * 16));
        return bytes;
    }

    [Fact]
    public void ReadsTheInterpreterAndTheNeededLibrariesInOrder()
    {
        ElfDependencies d = ElfDependencies.Read(Elf("/lib64/ld-linux-x86-64.so.2", "libtirpc.so.3", "libc.so.6"));

        Assert.Equal("/lib64/ld-linux-x86-64.so.2", d.Interpreter);
        Assert.Equal(["libtirpc.so.3", "libc.so.6"], d.Needed);
    }

    [Fact]
    public void AStaticExecutableNeedsNothing()
    {
        ElfDependencies d = ElfDependencies.Read(Elf(null));

        Assert.Null(d.Interpreter);
        Assert.Empty(d.Needed);
    }

    [Fact]
    public void NotAnElfIsRefused()
    {
        byte[] script = Encoding.ASCII.GetBytes("#!/bin/sh\necho not an ELF file at all, but long enough to have a header of sixty-four bytes\n");

        Assert.Throws<InvalidDataException>(() => ElfDependencies.Read(script));
    }

    [Fact]
    public void ATruncatedFileIsRefused()
    {
        byte[] elf = Elf("/lib64/ld-linux-x86-64.so.2", "libc.so.6");

        Assert.Throws<InvalidDataException>(() => ElfDependencies.Read(elf.AsSpan(0, 300)));
    }
}
