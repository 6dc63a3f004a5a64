using System;
using System.IO;
using CapOS.Harness;
using Xunit;

namespace CapOS.Launcher.Tests.Plug;

public class CrashImageBuilderTests
{
    private const int Sector = 512;

    private static readonly LogWritesLog Log = LogWritesReader.Read(new LogWritesBuilder()
        .Write(0, 0x11, 2).Write(1, 0x12).Flush()     // durable: sector 0 = 0x11, sector 1 = 0x12 (later write wins)
        .Write(4, 0x44, 4).Discard(0, 2).Write(1, 0x13).Flush()
        .Write(8, 0x88, 4).Write(9, 0x99)             // tail: entries 7 and 8
        .Build());

    [Fact]
    public void TheDurablePrefixIsAppliedInLogOrderAndTheTailAsPlanned()
    {
        byte[] image = Image(16);
        var plan = new CrashPlan(6, 9, 2, [new CrashWrite(8), new CrashWrite(7)]);

        ulong written = CrashImageBuilder.Apply(new MemoryStream(image), Log, plan);

        Assert.Equal(2UL + 1 + 4 + 1 + 1 + 4, written);
        Assert.Equal(0x11, image[0 * Sector]);
        Assert.Equal(0x13, image[1 * Sector]);     // the discard changed nothing, the second epoch's write did
        Assert.Equal(0x44, image[7 * Sector]);
        Assert.Equal(0x88, image[9 * Sector]);     // entry 8 applied first, entry 7 over it: the plan's order
        Assert.Equal(0xee, image[12 * Sector]);    // untouched
    }

    [Fact]
    public void ATornWriteAppliesOnlyItsKeptSectors()
    {
        byte[] image = Image(16);
        var plan = new CrashPlan(6, 9, 2, [new CrashWrite(7, [1, 3])]);

        ulong written = CrashImageBuilder.Apply(new MemoryStream(image), Log, plan);

        Assert.Equal(2UL + 1 + 4 + 1 + 2, written);
        Assert.Equal(0xee, image[8 * Sector]);
        Assert.Equal(1, image[9 * Sector + 1]);    // second sector of entry 7
        Assert.Equal(0xee, image[10 * Sector]);
        Assert.Equal(3, image[11 * Sector + 1]);   // fourth
    }

    [Fact]
    public void AnEarlierFlushDropsTheLaterEpochs()
    {
        byte[] image = Image(16);

        CrashImageBuilder.Apply(new MemoryStream(image), Log, new CrashPlan(2, 9, 3, []));

        Assert.Equal(0x12, image[1 * Sector]);
        Assert.Equal(0xee, image[4 * Sector]);
        Assert.Equal(0xee, image[8 * Sector]);
    }

    [Fact]
    public void WritesOutsideTheImageAndBadPlansAreRejected()
    {
        Assert.Throws<ArgumentException>(() => CrashImageBuilder.Apply(new MemoryStream(Image(6)), Log, new CrashPlan(6, 9, 2, [])));
        Assert.Throws<ArgumentException>(() => CrashImageBuilder.Apply(new MemoryStream(Image(16)), Log,
            new CrashPlan(6, 9, 2, [new CrashWrite(5)])));
        Assert.Throws<ArgumentException>(() => CrashImageBuilder.Apply(new MemoryStream(Image(16)), Log,
            new CrashPlan(6, 9, 2, [new CrashWrite(7, [4])])));
        Assert.Throws<ArgumentException>(() => CrashImageBuilder.Apply(new MemoryStream(Image(16)), Log,
            new CrashPlan(6, 8, 1, [new CrashWrite(8)])));
    }

    private static byte[] Image(int sectors)
    {
        var image = new byte[sectors * Sector];
        Array.Fill(image, (byte)0xee);
        return image;
    }
}
