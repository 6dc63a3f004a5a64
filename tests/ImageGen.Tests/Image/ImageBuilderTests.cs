using System;
using System.IO;
using CapOS.ImageGen.Description;
using CapOS.ImageGen.Image;
using CapOS.Kernel.DiskFormat;
using CapOS.Kernel.NodeTree;
using CapOS.TestSupport;
using Xunit;

namespace CapOS.ImageGen.Tests.Image;

public sealed unsafe class ImageBuilderTests
{
    [Fact]
    public void SameDescriptionGivesIdenticalBytes()
    {
        Assert.Equal(TestImages.Build(TestImages.Small), TestImages.Build(TestImages.Small));
        Assert.Equal(TestImages.BuildShipped("walk"), TestImages.BuildShipped("walk"));
        Assert.Equal(TestImages.BuildShipped("hello"), TestImages.BuildShipped("hello"));
    }

    [Fact]
    public void SmallImageDump() => Snapshot.Verify(Dump(TestImages.Build(TestImages.Small)));

    /// <summary>
    /// The shipped system's processes (not a snapshot: the programs' bytes change whenever they do): only the
    /// primordials (space-bank, process-creator, vcsk, constructor) and init, all on the restart list, each with the
    /// console key in register 1; no demo process is declared: init makes them at first boot (docs/services.md "First
    /// boot"). Init holds the prime bank, the metaconstructor, the checkpoint and sleep keys the demo needs, and a
    /// template and its entry for each of the four demo programs.
    /// </summary>
    [Fact]
    public void ShippedCaposDeclaresThePrimordialsAndInitOnly()
    {
        VolumeImage image = VolumeImage.Open(TestImages.BuildShipped("capos"));
        var processes = ProcessImage.Find(image);

        Assert.Equal(5, processes.Count);
        Assert.Equal(5u, image.Chosen->RestartCount);
        for (int i = 0; i < processes.Count; i++)
        {
            Assert.Equal(i, processes[i].Restart);
            Assert.Equal(KeyType.Console, DiskNode.Slot(processes[i].KeyRegisters, 1)->Type);
        }

        ProcessImage init = Assert.Single(processes, p => DiskNode.Slot(p.KeyRegisters, 3)->Type == KeyType.Checkpoint);
        Assert.Equal(KeyType.Start, DiskNode.Slot(init.KeyRegisters, 4)->Type); // the prime bank
        Assert.Equal(KeyType.Start, DiskNode.Slot(init.KeyRegisters, 5)->Type); // the metaconstructor
        Assert.Equal(KeyType.Sleep, DiskNode.Slot(init.KeyRegisters, 6)->Type);
        for (int template = 8; template <= 14; template += 2)
        {
            Assert.Equal(KeyType.Segment, DiskNode.Slot(init.KeyRegisters, template)->Type);
            Assert.Equal(KeyType.Number, DiskNode.Slot(init.KeyRegisters, template + 1)->Type);
        }
    }

    [Fact]
    public void ShippedMutatorDump() => Snapshot.Verify(Dump(TestImages.BuildShipped("mutator")));

    [Fact]
    public void ShippedHelloRunsHelloWithTheConsoleInRegisterOne()
    {
        // Not a snapshot: hello.elf's bytes change whenever the program does. Its entry is e_entry.
        byte[] elf = File.ReadAllBytes(Path.Combine(TestImages.RepoRoot(), "artifacts", "user", "hello.elf"));
        VolumeImage image = VolumeImage.Open(TestImages.BuildShipped("hello"));
        ProcessImage hello = ProcessImage.Find(image)[0];
        Assert.Equal((0, 2u), (hello.Restart, image.Chosen->RestartCount));
        Assert.Equal(BitConverter.ToUInt64(elf, 24), hello.Annex->Rip);
        Assert.Equal(ProcessSpec.DefaultStackTop, hello.Annex->Rsp);
        Assert.Equal(KeyType.Console, DiskNode.Slot(hello.KeyRegisters, 1)->Type);
    }

    [Fact]
    public void ImageSizeIsTheVolumePageCount()
    {
        byte[] bytes = TestImages.Build(TestImages.Small);
        VolumeImage image = VolumeImage.Open(bytes);
        Assert.Equal((ulong)bytes.Length, image.Header->VolumePageCount * DiskLayout.PageSize);
        Assert.Equal(0, image.ChosenSlot);
        Assert.True(image.SlotBlank[1]);
        Assert.Equal(1UL, image.Chosen->Sequence);
        Assert.Equal(200u, image.Chosen->CheckpointIntervalMs);
        Assert.Equal(50u, image.Chosen->LogThresholdPercent);
    }

    [Fact]
    public void RootHasTheFirstNodeOid()
    {
        SystemDescription d = TestImages.Parse("volume v\nnode a\nnode b\nroot b");
        ImageBuilder.Build(d);
        Assert.Equal(SystemDescription.DefaultNodeFirstOid, d.ByName["b"].Oid.Value);
        Assert.Equal(SystemDescription.DefaultNodeFirstOid + 1, d.ByName["a"].Oid.Value);
    }

    [Fact]
    public void LoggedObjectsLeaveTheirFormattedStateAtHome()
    {
        // Plan I1: top, hello, leaf and noise are logged (log-objects 4); blank and filled are at home.
        SystemDescription d = TestImages.Parse(TestImages.Small);
        VolumeImage image = VolumeImage.Open(ImageBuilder.Build(d));
        VolumeLayout.Locate(image.Header, d.ByName["top"].Oid, out ObjectLocation top);
        DiskNode* home = NodePot.NodeAt((NodePot*)image.Page(top.HomePage), top.Slot);
        Assert.Equal((0u, KeyType.Void), (home->AllocCount, DiskNode.Slot(home, 0)->Type));
        DiskNode* current = image.Node(d.ByName["top"].Oid, out ObjectSource source);
        Assert.True(source.FromLog);
        Assert.Equal((1u, KeyType.Node), (current->AllocCount, DiskNode.Slot(current, 0)->Type));

        VolumeLayout.Locate(image.Header, d.ByName["hello"].Oid, out ObjectLocation hello);
        TagEntry* homeTag = TagPot.Entry((TagPot*)image.Page(hello.TagPotPage), hello.Slot);
        Assert.Equal((0u, FrameTag.ZeroPage), (homeTag->AllocCount, homeTag->Tag));
        Assert.True(image.TryPage(d.ByName["hello"].Oid, out uint allocCount, out byte* content, out source));
        Assert.Equal((3u, true, (byte)'h'), (allocCount, source.FromLog, content[0]));

        Assert.True(image.TryPage(d.ByName["filled"].Oid, out allocCount, out content, out source));
        Assert.Equal((false, (byte)0xA5), (source.FromLog, content[4095]));
        TagEntry* filledTag = TagPot.Entry((TagPot*)image.Page(hello.TagPotPage), 3);
        Assert.Equal(FrameTag.DataPage, filledTag->Tag);
    }

    [Fact]
    public void LogObjectsNoneLeavesTheLogAreaEmpty()
    {
        VolumeImage image = VolumeImage.Open(TestImages.Build("volume v\nlog-objects none\nnode a\n  slot 0 = page p\npage p fill 1"));
        Assert.Equal((0u, 0u, 0u), (image.Chosen->LogAreaCount, image.Chosen->DirectoryPageCount, image.Chosen->DirectoryEntryCount));
        Assert.Empty(ImageCheck.Run(image).FindAll(f => f.Kind == FindingKind.Fault));
    }

    [Fact]
    public void TooSmallLogIsAnError()
    {
        var error = Assert.Throws<DescriptionException>(() => TestImages.Build("volume v\nlog pages 4\ntree t fanout 3 depth 2 pages-per-leaf 1"));
        Assert.Equal("test.sys:2:1: log pages 4 is too small: checkpoint #1 needs 8 (2 headers, 5 images, 1 directory pages)", error.Message);
    }

    [Fact]
    public void ExplicitRangeSmallerThanTheObjectsIsAnError()
    {
        var error = Assert.Throws<DescriptionException>(() => TestImages.Build("volume v\nnode-range oids 1\nnode a\nnode b"));
        Assert.Equal("test.sys:2:1: node-range oids 1 is less than the 2 nodes declared", error.Message);
    }

    /// <summary>
    /// <c>range free-pages</c> and <c>range free-nodes</c> (a space bank's free space at first boot) cover exactly
    /// the OIDs after the declared objects: the slack, or the rest of an explicit <c>oids</c>.
    /// </summary>
    [Fact]
    public void FreeRangesAreTheOidsNoDeclaredObjectUses()
    {
        string dump = Dump(TestImages.Build(
            "volume v\nnode-range slack 5\npage-range oids 12\nnode a\n  slot 0 = range free-pages\n  slot 1 = range free-nodes\nnode b\npage p\npage q"));
        Assert.Contains("  slot 0: range first=0x100002 count=10", dump);
        Assert.Contains("  slot 1: range first=0x1002 count=5", dump);
    }

    [Fact]
    public void AFreeRangeOfNoOidsIsAnError()
    {
        var error = Assert.Throws<DescriptionException>(() => TestImages.Build("volume v\nnode a\n  slot 0 = range free-nodes"));
        Assert.Equal("test.sys:3:12: the node range has 0 free OIDs; a free range needs 1..4294967295 (set slack)", error.Message);
    }

    [Fact]
    public void OverlappingOidRangesAreAnError()
    {
        var error = Assert.Throws<DescriptionException>(() => TestImages.Build("volume v\nnode a\npage p\npage-range first-oid 0x1000"));
        Assert.Equal("test.sys:4:1: the node and page OID ranges overlap (set first-oid)", error.Message);
    }

    [Fact]
    public void FileContentIsReadRelativeToTheDescription()
    {
        string folder = Directory.CreateTempSubdirectory("imagegen").FullName;
        try
        {
            File.WriteAllBytes(Path.Combine(folder, "blob.bin"), new byte[] { 1, 2, 3 });
            SystemDescription d = DescriptionParser.Parse("volume v\npage p file \"blob.bin\"", "x.sys", folder);
            Assert.Equal(new byte[] { 1, 2, 3, 0 }, ((PageSpec)d.ByName["p"]).Content![..4]);
            File.WriteAllBytes(Path.Combine(folder, "big.bin"), new byte[4097]);
            var error = Assert.Throws<DescriptionException>(() => DescriptionParser.Parse("volume v\npage p file \"big.bin\"", "x.sys", folder));
            Assert.Equal("x.sys:2:13: 'big.bin' is 4097 bytes; a page holds 4096", error.Message);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    internal static string Dump(byte[] bytes)
    {
        var text = new StringWriter { NewLine = "\n" };
        Assert.True(ImageDump.Write(VolumeImage.Open(bytes), text));
        return text.ToString();
    }
}
