using CapOS.Kernel.DiskFormat;
using CapOS.Kernel.Host;
using CapOS.Kernel.NodeTree;
using Xunit;

namespace CapOS.Kernel.Tests.DiskFormat;

public sealed unsafe class DirectoryPageTests
{
    private const uint LogPages = 64;

    [Fact]
    public void EntriesRoundTripAndValidate()
    {
        using var machine = new SimulatedMachine();
        CheckpointHeader* h = Header(machine, 200);
        var page = (DirectoryPage*)(machine.MemoryBase + 4096);
        Fill(page, 0, 169);
        Assert.Equal(FormatError.None, DirectoryPage.Validate(page, h, 0, LogPages));
        DirectoryEntry* e = DirectoryPage.Entry(page, 2);
        Assert.Equal(ObType.Node, e->Type);
        Assert.Equal(new Oid(0x100002), e->Oid);
        Assert.Equal(2, e->Slot);

        Fill(page, 1, 31);
        Assert.Equal(FormatError.None, DirectoryPage.Validate(page, h, 1, LogPages));
    }

    [Fact]
    public void EveryFlippedByteIsDetected()
    {
        using var machine = new SimulatedMachine();
        CheckpointHeader* h = Header(machine, 200);
        var page = (DirectoryPage*)(machine.MemoryBase + 4096);
        Fill(page, 0, 169);
        Assert.Equal(-1, SampleVolume.FirstUndetectedFlip((byte*)page, () => DirectoryPage.Validate(page, h, 0, LogPages) == FormatError.None));
    }

    [Fact]
    public void Errors()
    {
        using var machine = new SimulatedMachine();
        CheckpointHeader* h = Header(machine, 169);
        var page = (DirectoryPage*)(machine.MemoryBase + 4096);
        Assert.Equal(FormatError.DirectoryBadMagic, DirectoryPage.Validate(page, h, 0, LogPages));
        Fill(page, 0, 169);
        ((byte*)page)[33] ^= 1;
        Assert.Equal(FormatError.DirectoryBadCrc, DirectoryPage.Validate(page, h, 0, LogPages));
        Assert.Equal(FormatError.DirectoryWrongSequence, Mutate(page, h, () => page->Sequence--));
        Assert.Equal(FormatError.DirectoryWrongIndex, Mutate(page, h, () => page->PageIndex = 1));
        Assert.Equal(FormatError.DirectoryBadEntryCount, Mutate(page, h, () => page->EntryCount = 168));
        DirectoryEntry* e = DirectoryPage.Entry(page, 4);
        Assert.Equal(FormatError.DirectoryBadType, Mutate(page, h, () => e->Type = ObType.NodePot));
        Assert.Equal(FormatError.DirectoryNullOid, Mutate(page, h, () => e->Oid = Oid.Null));
        Assert.Equal(FormatError.DirectoryBadLid, Mutate(page, h, () => e->Lid = 1));
        Assert.Equal(FormatError.DirectoryBadLid, Mutate(page, h, () => e->Lid = h->LogAreaFirst + h->LogAreaCount));
        Assert.Equal(FormatError.DirectoryBadLid, Mutate(page, h, () => { e->Type = ObType.Node; e->Lid = DiskLayout.ZeroLid; e->ImageCrc = 0; }));
        Assert.Equal(FormatError.DirectoryBadLid, Mutate(page, h, () => { e->Type = ObType.Page; e->Lid = DiskLayout.ZeroLid; e->ImageCrc = 5; }));
        Assert.Equal(FormatError.None, Mutate(page, h, () => { e->Type = ObType.Page; e->Lid = DiskLayout.ZeroLid; e->ImageCrc = 0; e->Slot = 0; }));
        Assert.Equal(FormatError.DirectoryBadSlot, Mutate(page, h, () => { e->Type = ObType.Node; e->Slot = 7; }));
        Assert.Equal(FormatError.DirectoryBadSlot, Mutate(page, h, () => { e->Type = ObType.TagPot; e->Slot = 1; }));
    }

    private static CheckpointHeader* Header(SimulatedMachine machine, uint entries)
    {
        var h = (CheckpointHeader*)machine.MemoryBase;
        CheckpointHeader.Initialize(h, 9, SampleVolume.VolumeId);
        h->LogAreaFirst = 2;
        h->LogAreaCount = 40;
        h->DirectoryFirst = 40;
        h->DirectoryEntryCount = entries;
        h->DirectoryPageCount = (entries + 168) / 169;
        PageSeal.Seal((byte*)h);
        Assert.Equal(FormatError.None, CheckpointHeader.Validate(h, SampleVolume.VolumeId, LogPages));
        return h;
    }

    private static void Fill(DirectoryPage* page, uint pageIndex, uint count)
    {
        DirectoryPage.Initialize(page, 9, pageIndex);
        page->EntryCount = count;
        for (int i = 0; i < count; i++)
        {
            DirectoryEntry* e = DirectoryPage.Entry(page, i);
            int kind = i % 3;
            e->Type = kind == 0 ? ObType.Page : kind == 1 ? ObType.TagPot : ObType.Node;
            e->Oid = new Oid((kind == 2 ? 0x100000ul : 0x1000ul) + (ulong)i);
            e->AllocCount = (uint)i;
            e->Lid = 2 + (uint)(i % 38);
            e->ImageCrc = 0x5000u + (uint)i;
            e->Slot = kind == 2 ? (byte)(i % 7) : (byte)0;
        }

        PageSeal.Seal((byte*)page);
    }

    private static FormatError Mutate(DirectoryPage* page, CheckpointHeader* h, System.Action change)
    {
        Fill(page, 0, 169);
        change();
        PageSeal.Seal((byte*)page);
        return DirectoryPage.Validate(page, h, 0, LogPages);
    }
}
