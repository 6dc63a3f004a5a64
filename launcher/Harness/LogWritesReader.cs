using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.Text;

namespace CapOS.Harness;

/// <summary>
/// Reads a dm-log-writes log, the format QEMU's <c>blklogwrites</c> driver records (docs/plug.md, "Reading the
/// write log"; the format is Linux's, Documentation/admin-guide/device-mapper/log-writes.rst). All fields are
/// little-endian. Sector 0 holds the super block (magic, version 1, entry count, sector size); entries start
/// at sector 1. Each entry is one sector holding its header (sector, sector count, flags, mark length; a
/// mark's text follows the header) and then, except for discards, its data sectors.
/// <para>A killed QEMU leaves a log whose super block may lag (QEMU rewrites it after each entry with
/// <c>log-super-update-interval=1</c>, after the entry itself) or whose last entries are unwritten. So the
/// reader goes on past the declared count while entries are plausible (a nonzero header, known flags, the
/// data inside the file), and stops at the first that is not: nothing after a hole can be placed.</para>
/// </summary>
public static class LogWritesReader
{
    /// <summary>The super block's magic ("rhswfsj\0" as bytes).</summary>
    public const ulong Magic = 0x6a736677736872UL;

    /// <summary>The only format version.</summary>
    public const ulong Version = 1;

    /// <summary>Size of the packed super block (magic, version, entry count, sector size).</summary>
    public const int SuperSize = 28;

    /// <summary>Size of an entry header.</summary>
    public const int EntryHeaderSize = 32;

    private const LogWritesFlags KnownFlags =
        LogWritesFlags.Flush | LogWritesFlags.Fua | LogWritesFlags.Discard | LogWritesFlags.Mark;

    /// <summary>Reads a log. A file QEMU never wrote a super block to (empty, or zero at sector 0 because
    /// QEMU was killed before its first super-block update) is read with <paramref name="configuredSectorSize"/>.</summary>
    /// <exception cref="LogWritesFormatException">The super block is present but not a valid one.</exception>
    public static LogWritesLog Read(ReadOnlyMemory<byte> log, int configuredSectorSize = 512)
    {
        ReadOnlySpan<byte> bytes = log.Span;
        if (bytes.Length < SuperSize || BinaryPrimitives.ReadUInt64LittleEndian(bytes) == 0)
        {
            CheckSectorSize((ulong)configuredSectorSize);
            return ReadEntries(log, configuredSectorSize, 0);
        }
        ulong magic = BinaryPrimitives.ReadUInt64LittleEndian(bytes);
        if (magic != Magic)
        {
            throw new LogWritesFormatException($"not a dm-log-writes log: magic 0x{magic:x}, expected 0x{Magic:x}");
        }
        ulong version = BinaryPrimitives.ReadUInt64LittleEndian(bytes[8..]);
        if (version != Version)
        {
            throw new LogWritesFormatException($"unsupported dm-log-writes version {version}");
        }
        ulong declared = BinaryPrimitives.ReadUInt64LittleEndian(bytes[16..]);
        uint sectorSize = BinaryPrimitives.ReadUInt32LittleEndian(bytes[24..]);
        CheckSectorSize(sectorSize);
        return ReadEntries(log, (int)sectorSize, declared);
    }

    private static void CheckSectorSize(ulong sectorSize)
    {
        if (sectorSize < 64 || sectorSize > (1 << 20) || (sectorSize & (sectorSize - 1)) != 0)
        {
            throw new LogWritesFormatException($"invalid log sector size {sectorSize}");
        }
    }

    private static LogWritesLog ReadEntries(ReadOnlyMemory<byte> log, int sectorSize, ulong declared)
    {
        var entries = new List<LogWritesEntry>();
        long offset = sectorSize;
        string? stop = null;
        while (true)
        {
            (LogWritesEntry? entry, long next, string? problem) = ReadEntry(log, sectorSize, offset, entries.Count);
            if (entry is null)
            {
                stop = problem;
                break;
            }
            entries.Add(entry);
            offset = next;
        }
        string? truncated = (ulong)entries.Count < declared
            ? $"read {entries.Count} of {declared} declared entries: entry {entries.Count} {stop}"
            : null;
        return new LogWritesLog(sectorSize, declared, entries, truncated);
    }

    /// <summary>The entry at <paramref name="offset"/>, or null with the reason it cannot be read.</summary>
    private static (LogWritesEntry? Entry, long Next, string? Problem) ReadEntry(ReadOnlyMemory<byte> log,
        int sectorSize, long offset, int index)
    {
        if (offset + sectorSize > log.Length)
        {
            return (null, offset, "is past the end of the file");
        }
        ReadOnlySpan<byte> header = log.Span.Slice((int)offset, sectorSize);
        ulong sector = BinaryPrimitives.ReadUInt64LittleEndian(header);
        ulong count = BinaryPrimitives.ReadUInt64LittleEndian(header[8..]);
        var flags = (LogWritesFlags)BinaryPrimitives.ReadUInt64LittleEndian(header[16..]);
        ulong markLength = BinaryPrimitives.ReadUInt64LittleEndian(header[24..]);
        if (sector == 0 && count == 0 && flags == LogWritesFlags.None && markLength == 0)
        {
            return (null, offset, "is unwritten (zero header)");
        }
        if ((flags & ~KnownFlags) != 0)
        {
            return (null, offset, $"has unknown flags 0x{(ulong)flags:x}");
        }
        if (markLength > (ulong)(sectorSize - EntryHeaderSize))
        {
            return (null, offset, $"has a mark of {markLength} bytes, more than its sector holds");
        }
        string? mark = (flags & LogWritesFlags.Mark) != 0
            ? Encoding.UTF8.GetString(header.Slice(EntryHeaderSize, (int)markLength))
            : null;
        long data = offset + sectorSize;
        if ((flags & LogWritesFlags.Discard) != 0)
        {
            return (new LogWritesEntry(index, sector, count, flags, ReadOnlyMemory<byte>.Empty, mark), data, null);
        }
        if (count > (ulong)(log.Length - data) / (ulong)sectorSize)
        {
            return (null, offset, $"has {count} data sectors past the end of the file");
        }
        int length = (int)count * sectorSize;
        var entry = new LogWritesEntry(index, sector, count, flags, log.Slice((int)data, length), mark);
        return (entry, data + length, null);
    }
}
