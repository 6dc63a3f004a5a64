using System;
using System.Buffers.Binary;
using System.Linq;
using CapOS.Harness;
using Xunit;

namespace CapOS.Launcher.Tests.Plug;

public class LogWritesReaderTests
{
    [Fact]
    public void ReadsWritesFlushesDiscardsAndMarksInOrder()
    {
        byte[] bytes = new LogWritesBuilder()
            .Write(8, 0xab, sectors: 16).Flush().Write(0, 0xcd).Discard(128, 8).Mark("epoch-1").Write(16, 0x11, 2, LogWritesFlags.Fua)
            .Build();

        LogWritesLog log = LogWritesReader.Read(bytes);

        Assert.Equal(512, log.SectorSize);
        Assert.Equal(6UL, log.DeclaredEntries);
        Assert.Null(log.Truncated);
        Assert.Equal([0, 1, 2, 3, 4, 5], log.Entries.Select(e => e.Index));
        Assert.Equal([8UL, 0, 0, 128, 0, 16], log.Entries.Select(e => e.Sector));
        Assert.Equal([16UL, 0, 1, 8, 0, 2], log.Entries.Select(e => e.SectorCount));
        Assert.Equal([true, false, true, false, false, true], log.Entries.Select(e => e.IsWrite));
        Assert.Equal(16 * 512, log.Entries[0].Data.Length);
        Assert.Equal(0xab, log.Entries[0].Data.Span[0]);
        Assert.Equal(15, log.Entries[0].Data.Span[15 * 512 + 1]);
        Assert.Equal(0xcd, log.Entries[2].Data.Span[0]);
        Assert.True(log.Entries[3].Data.IsEmpty);
        Assert.Equal("epoch-1", log.Entries[4].Mark);
        Assert.Equal(LogWritesFlags.Fua, log.Entries[5].Flags);
        Assert.Equal(1, log.LastFlush);
    }

    [Fact]
    public void ALaggingSuperBlockDoesNotHideWholeEntries()
    {
        byte[] bytes = new LogWritesBuilder().Write(1, 1).Flush().Write(2, 2).Build(declared: 1);

        LogWritesLog log = LogWritesReader.Read(bytes);

        Assert.Equal(3, log.Entries.Count);
        Assert.Equal(1UL, log.DeclaredEntries);
        Assert.Null(log.Truncated);
        Assert.Equal(1, log.LastFlush);
    }

    [Fact]
    public void AnEntryWhoseDataIsCutOffEndsTheLog()
    {
        byte[] whole = new LogWritesBuilder().Write(1, 1).Flush().Write(2, 2, sectors: 4).Build();
        byte[] cut = whole[..^512];

        LogWritesLog log = LogWritesReader.Read(cut);

        Assert.Equal(2, log.Entries.Count);
        Assert.Contains("entry 2 has 4 data sectors past the end", log.Truncated);
    }

    [Fact]
    public void AZeroHeaderEndsTheLog()
    {
        byte[] bytes = [.. new LogWritesBuilder().Write(1, 1).Build(declared: 3), .. new byte[512], .. new LogWritesBuilder().Flush().Build()[512..]];

        LogWritesLog log = LogWritesReader.Read(bytes);

        Assert.Single(log.Entries);
        Assert.Contains("entry 1 is unwritten", log.Truncated);
    }

    [Fact]
    public void UnknownFlagsEndTheLog()
    {
        byte[] bytes = new LogWritesBuilder().Write(1, 1).Write(2, 2).Build();
        BinaryPrimitives.WriteUInt64LittleEndian(bytes.AsSpan(512 * 3 + 16), 0x40);

        LogWritesLog log = LogWritesReader.Read(bytes);

        Assert.Single(log.Entries);
        Assert.Contains("unknown flags 0x40", log.Truncated);
    }

    [Fact]
    public void AnEmptyOrNeverUpdatedLogUsesTheConfiguredSectorSize()
    {
        Assert.Empty(LogWritesReader.Read(Array.Empty<byte>()).Entries);
        byte[] noSuper = new LogWritesBuilder(1024).Write(3, 7).Build();
        noSuper.AsSpan(0, 1024).Clear();

        LogWritesLog log = LogWritesReader.Read(noSuper, configuredSectorSize: 1024);

        Assert.Equal(1024, log.SectorSize);
        Assert.Equal(0UL, log.DeclaredEntries);
        Assert.Equal(3UL, Assert.Single(log.Entries).Sector);
    }

    [Theory]
    [InlineData(0, 0x1234UL, "magic 0x1234")]
    [InlineData(8, 2UL, "version 2")]
    [InlineData(24, 1000UL, "sector size 1000")]
    public void ABadSuperBlockIsRejected(int offset, ulong value, string message)
    {
        byte[] bytes = new LogWritesBuilder().Write(1, 1).Build();
        if (offset == 24)
        {
            BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(offset), (uint)value);
        }
        else
        {
            BinaryPrimitives.WriteUInt64LittleEndian(bytes.AsSpan(offset), value);
        }

        var e = Assert.Throws<LogWritesFormatException>(() => LogWritesReader.Read(bytes));

        Assert.Contains(message, e.Message);
    }
}
