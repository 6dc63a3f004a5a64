using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.Text;
using CapOS.Harness;

namespace CapOS.Launcher.Tests.Plug;

/// <summary>Writes synthetic dm-log-writes logs for the tests, laid out as QEMU's blklogwrites does: super block
/// in sector 0, then per entry one header sector and its data sectors (none for discards).</summary>
internal sealed class LogWritesBuilder
{
    private readonly List<byte> _bytes;
    private readonly int _sectorSize;
    private ulong _entries;

    public LogWritesBuilder(int sectorSize = 512)
    {
        _sectorSize = sectorSize;
        _bytes = [.. new byte[sectorSize]];
    }

    public LogWritesBuilder Write(ulong sector, byte fill, ulong sectors = 1, LogWritesFlags flags = LogWritesFlags.None)
    {
        var data = new byte[(int)sectors * _sectorSize];
        for (int i = 0; i < data.Length; i++)
        {
            // Each sector is distinguishable: fill in the first byte, the sector index in the second.
            data[i] = (i % _sectorSize) switch { 0 => fill, 1 => (byte)(i / _sectorSize), _ => fill };
        }
        return Entry(sector, sectors, flags, data, null);
    }

    public LogWritesBuilder WriteBytes(ulong sector, byte[] data, LogWritesFlags flags = LogWritesFlags.None) =>
        Entry(sector, (ulong)(data.Length / _sectorSize), flags, data, null);

    public LogWritesBuilder Flush() => Entry(0, 0, LogWritesFlags.Flush, [], null);

    public LogWritesBuilder Discard(ulong sector, ulong sectors) => Entry(sector, sectors, LogWritesFlags.Discard, [], null);

    public LogWritesBuilder Mark(string label) => Entry(0, 0, LogWritesFlags.Mark, [], label);

    /// <summary>The log with the super block declaring <paramref name="declared"/> entries (default: all).</summary>
    public byte[] Build(ulong? declared = null)
    {
        byte[] log = [.. _bytes];
        BinaryPrimitives.WriteUInt64LittleEndian(log, LogWritesReader.Magic);
        BinaryPrimitives.WriteUInt64LittleEndian(log.AsSpan(8), LogWritesReader.Version);
        BinaryPrimitives.WriteUInt64LittleEndian(log.AsSpan(16), declared ?? _entries);
        BinaryPrimitives.WriteUInt32LittleEndian(log.AsSpan(24), (uint)_sectorSize);
        return log;
    }

    private LogWritesBuilder Entry(ulong sector, ulong sectors, LogWritesFlags flags, byte[] data, string? mark)
    {
        var header = new byte[_sectorSize];
        byte[] label = mark is null ? [] : Encoding.UTF8.GetBytes(mark);
        BinaryPrimitives.WriteUInt64LittleEndian(header, sector);
        BinaryPrimitives.WriteUInt64LittleEndian(header.AsSpan(8), sectors);
        BinaryPrimitives.WriteUInt64LittleEndian(header.AsSpan(16), (ulong)flags);
        BinaryPrimitives.WriteUInt64LittleEndian(header.AsSpan(24), (ulong)label.Length);
        label.CopyTo(header, LogWritesReader.EntryHeaderSize);
        _bytes.AddRange(header);
        _bytes.AddRange(data);
        _entries++;
        return this;
    }
}
