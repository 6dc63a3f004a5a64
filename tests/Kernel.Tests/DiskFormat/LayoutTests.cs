using CapOS.Kernel.DiskFormat;
using CapOS.Kernel.Host;
using CapOS.Kernel.NodeTree;
using Xunit;

namespace CapOS.Kernel.Tests.DiskFormat;

/// <summary>Pins the size and every field offset of each on-disk structure (STYLE.md "Tests").</summary>
public sealed unsafe class LayoutTests
{
    [Fact]
    public void StructureSizes()
    {
        Assert.Equal(4096, sizeof(VolumeHeader));
        Assert.Equal(40, sizeof(RangeDescriptor));
        Assert.Equal(16, sizeof(DiskKey));
        Assert.Equal(528, sizeof(DiskNode));
        Assert.Equal(4096, sizeof(NodePot));
        Assert.Equal(12, sizeof(TagEntry));
        Assert.Equal(4096, sizeof(TagPot));
        Assert.Equal(4096, sizeof(CheckpointHeader));
        Assert.Equal(16, sizeof(RestartEntry));
        Assert.Equal(4096, sizeof(DirectoryPage));
        Assert.Equal(24, sizeof(DirectoryEntry));
        Assert.Equal(8, sizeof(Oid));
    }

    [Fact]
    public void DiskNodeSlotCountIsTheNodeSlotCount()
    {
        // DiskNode repeats the constant so the disk format links into imagegen without Node.cs.
        Assert.Equal(Node.SlotCount, DiskNode.SlotCount);
        Assert.Equal(DiskNode.Size, DiskNode.SlotsOffset + (DiskNode.SlotCount * DiskKey.Size));
    }

    [Fact]
    public void CapacitiesFillTheirPages()
    {
        Assert.Equal(336, TagPot.EntryCapacity);
        Assert.True(TagPot.EntriesOffset + (TagPot.EntryCapacity * TagEntry.Size) <= 4096);
        Assert.True(TagPot.EntriesOffset + ((TagPot.EntryCapacity + 1) * TagEntry.Size) > 4096);
        Assert.Equal(7, NodePot.NodeCapacity);
        Assert.True(NodePot.NodesOffset + (NodePot.NodeCapacity * DiskNode.Size) <= 4096);
        Assert.Equal(169, DirectoryPage.EntryCapacity);
        Assert.True(DirectoryPage.EntriesOffset + ((DirectoryPage.EntryCapacity + 1) * DirectoryEntry.Size) > 4096);
        Assert.Equal(4096, CheckpointHeader.RestartOffset + (CheckpointHeader.RestartCapacity * RestartEntry.Size));
        Assert.True(VolumeHeader.RangesOffset + (VolumeHeader.MaxRanges * RangeDescriptor.Size) <= 4096);
    }

    [Fact]
    public void VolumeHeaderOffsets()
    {
        using var machine = new SimulatedMachine();
        var h = (VolumeHeader*)machine.MemoryBase;
        byte* b = (byte*)h;
        Assert.Equal(0, (byte*)&h->Magic - b);
        Assert.Equal(4, (byte*)&h->Crc - b);
        Assert.Equal(8, (byte*)&h->FormatVersion - b);
        Assert.Equal(12, (byte*)&h->RangeCount - b);
        Assert.Equal(16, (byte*)&h->VolumePageCount - b);
        Assert.Equal(24, (byte*)&h->VolumeId - b);
        Assert.Equal(64, (byte*)VolumeHeader.Range(h, 0) - b);
        Assert.Equal(64 + (31 * 40), (byte*)VolumeHeader.Range(h, 31) - b);
    }

    [Fact]
    public void RangeDescriptorOffsets()
    {
        RangeDescriptor r = default;
        byte* b = (byte*)&r;
        Assert.Equal(0, (byte*)&r.Kind - b);
        Assert.Equal(4, (byte*)&r.Reserved - b);
        Assert.Equal(8, (byte*)&r.FirstPage - b);
        Assert.Equal(16, (byte*)&r.PageCount - b);
        Assert.Equal(24, (byte*)&r.FirstOid - b);
        Assert.Equal(32, (byte*)&r.OidCount - b);
        Assert.Equal(4, sizeof(RangeKind));
    }

    [Fact]
    public void DiskKeyOffsets()
    {
        DiskKey k = default;
        byte* b = (byte*)&k;
        Assert.Equal(0, (byte*)&k.Oid - b);
        Assert.Equal(8, (byte*)&k.AllocCount - b);
        Assert.Equal(0, (byte*)&k.Word0 - b);
        Assert.Equal(4, (byte*)&k.Word1 - b);
        Assert.Equal(8, (byte*)&k.Word2 - b);
        Assert.Equal(12, (byte*)&k.Type - b);
        Assert.Equal(13, (byte*)&k.Rights - b);
        Assert.Equal(14, (byte*)&k.KeyData - b);
        Assert.Equal(1, sizeof(KeyType));
        Assert.Equal(1, sizeof(KeyRights));
    }

    [Fact]
    public void DiskNodeAndNodePotOffsets()
    {
        using var machine = new SimulatedMachine();
        var pot = (NodePot*)machine.MemoryBase;
        byte* b = (byte*)pot;
        Assert.Equal(0, (byte*)&pot->Magic - b);
        Assert.Equal(4, (byte*)&pot->Crc - b);
        Assert.Equal(8, (byte*)&pot->FirstOid - b);
        Assert.Equal(16, (byte*)&pot->Sequence - b);
        Assert.Equal(24, (byte*)&pot->NodeCount - b);
        Assert.Equal(64, (byte*)NodePot.NodeAt(pot, 0) - b);
        Assert.Equal(64 + (6 * 528), (byte*)NodePot.NodeAt(pot, 6) - b);

        DiskNode* node = NodePot.NodeAt(pot, 1);
        byte* n = (byte*)node;
        Assert.Equal(0, (byte*)&node->Oid - n);
        Assert.Equal(8, (byte*)&node->AllocCount - n);
        Assert.Equal(12, (byte*)&node->CallCount - n);
        Assert.Equal(16, (byte*)DiskNode.Slot(node, 0) - n);
        Assert.Equal(16 + (31 * 16), (byte*)DiskNode.Slot(node, 31) - n);
    }

    [Fact]
    public void TagPotOffsets()
    {
        using var machine = new SimulatedMachine();
        var pot = (TagPot*)machine.MemoryBase;
        byte* b = (byte*)pot;
        Assert.Equal(0, (byte*)&pot->Magic - b);
        Assert.Equal(4, (byte*)&pot->Crc - b);
        Assert.Equal(8, (byte*)&pot->FirstOid - b);
        Assert.Equal(16, (byte*)&pot->Sequence - b);
        Assert.Equal(24, (byte*)&pot->EntryCount - b);
        Assert.Equal(64, (byte*)TagPot.Entry(pot, 0) - b);
        Assert.Equal(64 + (335 * 12), (byte*)TagPot.Entry(pot, 335) - b);

        TagEntry e = default;
        byte* p = (byte*)&e;
        Assert.Equal(0, (byte*)&e.AllocCount - p);
        Assert.Equal(4, (byte*)&e.DataCrc - p);
        Assert.Equal(8, (byte*)&e.Tag - p);
        Assert.Equal(9, (byte*)&e.Reserved0 - p);
        Assert.Equal(10, (byte*)&e.Reserved1 - p);
    }

    [Fact]
    public void CheckpointHeaderOffsets()
    {
        using var machine = new SimulatedMachine();
        var h = (CheckpointHeader*)machine.MemoryBase;
        byte* b = (byte*)h;
        Assert.Equal(0, (byte*)&h->Magic - b);
        Assert.Equal(4, (byte*)&h->Crc - b);
        Assert.Equal(8, (byte*)&h->FormatVersion - b);
        Assert.Equal(12, (byte*)&h->Flags - b);
        Assert.Equal(16, (byte*)&h->Sequence - b);
        Assert.Equal(24, (byte*)&h->VolumeId - b);
        Assert.Equal(32, (byte*)&h->LogAreaFirst - b);
        Assert.Equal(36, (byte*)&h->LogAreaCount - b);
        Assert.Equal(40, (byte*)&h->DirectoryFirst - b);
        Assert.Equal(44, (byte*)&h->DirectoryPageCount - b);
        Assert.Equal(48, (byte*)&h->DirectoryEntryCount - b);
        Assert.Equal(52, (byte*)&h->RestartCount - b);
        Assert.Equal(56, (byte*)&h->CheckpointIntervalMs - b);
        Assert.Equal(60, (byte*)&h->LogThresholdPercent - b);
        Assert.Equal(64, (byte*)&h->PersistentTimeMs - b);
        Assert.Equal(128, (byte*)CheckpointHeader.Restart(h, 0) - b);
        Assert.Equal(4096 - 16, (byte*)CheckpointHeader.Restart(h, 247) - b);

        RestartEntry r = default;
        byte* p = (byte*)&r;
        Assert.Equal(0, (byte*)&r.Oid - p);
        Assert.Equal(8, (byte*)&r.AllocCount - p);
        Assert.Equal(12, (byte*)&r.Reserved - p);
    }

    [Fact]
    public void DirectoryOffsets()
    {
        using var machine = new SimulatedMachine();
        var page = (DirectoryPage*)machine.MemoryBase;
        byte* b = (byte*)page;
        Assert.Equal(0, (byte*)&page->Magic - b);
        Assert.Equal(4, (byte*)&page->Crc - b);
        Assert.Equal(8, (byte*)&page->Sequence - b);
        Assert.Equal(16, (byte*)&page->EntryCount - b);
        Assert.Equal(20, (byte*)&page->PageIndex - b);
        Assert.Equal(32, (byte*)DirectoryPage.Entry(page, 0) - b);
        Assert.Equal(32 + (168 * 24), (byte*)DirectoryPage.Entry(page, 168) - b);

        DirectoryEntry e = default;
        byte* p = (byte*)&e;
        Assert.Equal(0, (byte*)&e.Oid - p);
        Assert.Equal(8, (byte*)&e.AllocCount - p);
        Assert.Equal(12, (byte*)&e.ImageCrc - p);
        Assert.Equal(16, (byte*)&e.Lid - p);
        Assert.Equal(20, (byte*)&e.Type - p);
        Assert.Equal(21, (byte*)&e.Slot - p);
        Assert.Equal(22, (byte*)&e.Reserved - p);
    }

    [Fact]
    public void MagicsSpellTheirNames()
    {
        Assert.Equal("CVol", Ascii(DiskLayout.VolumeMagic));
        Assert.Equal("CCkp", Ascii(DiskLayout.CheckpointMagic));
        Assert.Equal("CDir", Ascii(DiskLayout.DirectoryMagic));
        Assert.Equal("CTag", Ascii(DiskLayout.TagPotMagic));
        Assert.Equal("CNod", Ascii(DiskLayout.NodePotMagic));
    }

    private static string Ascii(uint magic) =>
        new(new[] { (char)(magic & 0xFF), (char)((magic >> 8) & 0xFF), (char)((magic >> 16) & 0xFF), (char)(magic >> 24) });
}
