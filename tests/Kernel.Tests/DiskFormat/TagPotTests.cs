using CapOS.Kernel.DiskFormat;
using CapOS.Kernel.Host;
using CapOS.Kernel.NodeTree;
using Xunit;

namespace CapOS.Kernel.Tests.DiskFormat;

public sealed unsafe class TagPotTests
{
    private static readonly Oid First = new(0x1000);

    [Fact]
    public void FreshPotIsAllZeroPagesAndValid()
    {
        using var machine = new SimulatedMachine();
        var pot = (TagPot*)machine.MemoryBase;
        TagPot.Initialize(pot, First, 336, 1);
        PageSeal.Seal((byte*)pot);
        Assert.Equal(FormatError.None, TagPot.Validate(pot, First, 336));
        Assert.Equal(FrameTag.ZeroPage, TagPot.Entry(pot, 335)->Tag);
    }

    [Fact]
    public void DataEntryRoundTrips()
    {
        using var machine = new SimulatedMachine();
        var pot = (TagPot*)machine.MemoryBase;
        Fill(pot);
        Assert.Equal(FormatError.None, TagPot.Validate(pot, First, 336));
        TagEntry* e = TagPot.Entry(pot, 10);
        Assert.Equal(FrameTag.DataPage, e->Tag);
        Assert.Equal(3u, e->AllocCount);
        Assert.Equal(0xAB00000Au, e->DataCrc);
    }

    [Fact]
    public void EveryFlippedByteIsDetected()
    {
        using var machine = new SimulatedMachine();
        var pot = (TagPot*)machine.MemoryBase;
        Fill(pot);
        Assert.Equal(-1, SampleVolume.FirstUndetectedFlip((byte*)pot, () => TagPot.Validate(pot, First, 336) == FormatError.None));
    }

    [Fact]
    public void Errors()
    {
        using var machine = new SimulatedMachine();
        var pot = (TagPot*)machine.MemoryBase;
        Assert.Equal(FormatError.TagPotBadMagic, TagPot.Validate(pot, First, 336));
        Fill(pot);
        ((byte*)pot)[4000] ^= 0x80;
        Assert.Equal(FormatError.TagPotBadCrc, TagPot.Validate(pot, First, 336));
        Fill(pot);
        Assert.Equal(FormatError.TagPotWrongOid, TagPot.Validate(pot, First.Add(1), 336));
        Assert.Equal(FormatError.TagPotBadEntryCount, TagPot.Validate(pot, First, 335));
        Assert.Equal(FormatError.TagPotBadTag, Mutate(pot, 336, () => TagPot.Entry(pot, 7)->Tag = (FrameTag)2));
        Assert.Equal(FormatError.TagPotBadEntry, Mutate(pot, 336, () => TagPot.Entry(pot, 7)->DataCrc = 1));
        Assert.Equal(FormatError.TagPotBadEntry, Mutate(pot, 5, () => TagPot.Entry(pot, 5)->AllocCount = 1));
        Assert.Equal(FormatError.None, Mutate(pot, 5, () => TagPot.Entry(pot, 4)->AllocCount = 1));
    }

    private static void Fill(TagPot* pot)
    {
        TagPot.Initialize(pot, First, 336, 1);
        for (int i = 0; i < 336; i += 2)
        {
            TagEntry* e = TagPot.Entry(pot, i);
            e->Tag = FrameTag.DataPage;
            e->AllocCount = 3;
            e->DataCrc = 0xAB000000u | (uint)i;
        }

        PageSeal.Seal((byte*)pot);
    }

    private static FormatError Mutate(TagPot* pot, uint count, System.Action change)
    {
        TagPot.Initialize(pot, First, count, 1);
        change();
        PageSeal.Seal((byte*)pot);
        return TagPot.Validate(pot, First, count);
    }
}
