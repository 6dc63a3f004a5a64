using System;
using System.Collections.Generic;
using System.Linq;
using CapOS.ImageGen.Image;
using CapOS.Kernel.DiskFormat;
using CapOS.Kernel.NodeTree;
using Xunit;

namespace CapOS.ImageGen.Tests.Image;

public sealed unsafe class ImageCheckTests
{
    [Theory]
    [InlineData("capos")]
    [InlineData("walk")]
    [InlineData("plug")]
    [InlineData("mutator")]
    [InlineData("hello")]
    [InlineData("vcsk")]
    [InlineData("heapbench")]
    [InlineData("ctor")]
    [InlineData("procbench")]
    public void ShippedImagesAreClean(string name)
    {
        List<Finding> findings = ImageCheck.Run(VolumeImage.Open(TestImages.BuildShipped(name)));
        Assert.DoesNotContain(findings, f => f.Kind == FindingKind.Fault);
        Assert.Contains(new Finding(FindingKind.Note, "checkpoint header lid 1: blank (never written)"), findings);
    }

    [Fact]
    public void StaleKeysAreWarnings()
    {
        List<Finding> findings = ImageCheck.Run(VolumeImage.Open(TestImages.BuildShipped("walk")));
        Assert.Equal(
            new[]
            {
                "warning: node oid=0x1000 slot 7: page oid=0x100000 ac=0: stale key, void (AllocCount below the object's 2)",
                "warning: node oid=0x1000 slot 11: node oid=0x1001 ac=6: stale key, void (AllocCount below the object's 7)",
            },
            findings.Where(f => f.Kind == FindingKind.Warning).Select(f => f.ToString()));
    }

    /// <summary>Every structure kind of the small image, by where its bytes are and the fault prefix check must give.</summary>
    public static IEnumerable<object[]> Structures()
    {
        var rows = new List<object[]>();
        VolumeImage image = VolumeImage.Open(TestImages.Build(TestImages.Small));
        ulong log = image.Log->FirstPage;
        uint dir = image.Chosen->DirectoryFirst;
        rows.Add(new object[] { "volume header", 0UL, "volume header page 0: " });
        rows.Add(new object[] { "volume header copy", 1UL, "volume header page 1: " });
        rows.Add(new object[] { "checkpoint header", log, "checkpoint header lid 0: " });
        rows.Add(new object[] { "blank checkpoint slot", log + 1, "checkpoint header lid 1: " });
        rows.Add(new object[] { "directory page", log + dir, $"directory page 0 (lid {dir}): " });
        for (uint lid = DiskLayout.FirstAreaLid; lid < dir; lid++)
        {
            rows.Add(new object[] { $"log image lid {lid}", log + lid, $"log lid={lid}: " });
        }

        ulong nodePot = VolumeHeader.Range(image.Header, 1)->FirstPage;
        ulong tagPot = VolumeHeader.Range(image.Header, 2)->FirstPage;
        rows.Add(new object[] { "home node pot (blank: logged)", nodePot, $"node pot home page={nodePot}: " });
        rows.Add(new object[] { "home tag pot", tagPot, $"tag pot home page={tagPot}: " });
        rows.Add(new object[] { "home data page", tagPot + 4, $"page oid=0x100003 home page={tagPot + 4}: data CRC mismatch" });
        return rows;
    }

    [Theory]
    [MemberData(nameof(Structures))]
    public void FlippedBytesAreFoundAndNamed(string structure, ulong page, string fault)
    {
        byte[] clean = TestImages.Build(TestImages.Small);
        Assert.DoesNotContain(ImageCheck.Run(VolumeImage.Open(clean)), f => f.Kind == FindingKind.Fault);
        int offsets = 0;
        foreach (int offset in Sample(structure.Contains("header", StringComparison.Ordinal) || structure.Contains("directory", StringComparison.Ordinal) || structure.Contains("slot", StringComparison.Ordinal)))
        {
            byte[] damaged = (byte[])clean.Clone();
            damaged[((int)page * DiskLayout.PageSize) + offset] ^= (byte)(1 << (offset % 8));
            List<Finding> findings = ImageCheck.Run(VolumeImage.Open(damaged));
            Assert.True(findings.Any(f => f.Kind == FindingKind.Fault && f.Text.StartsWith(fault, StringComparison.Ordinal)),
                $"{structure}: byte {offset} of page {page} flipped, expected a fault '{fault}...', got: {string.Join("; ", findings)}");
            offsets++;
        }

        Assert.True(offsets >= 512, structure);
    }

    /// <summary>Every byte of the headers and the directory; for other pages the first and last 256 bytes and every 7th byte.</summary>
    private static IEnumerable<int> Sample(bool everyByte)
    {
        for (int offset = 0; offset < DiskLayout.PageSize; offset++)
        {
            if (everyByte || offset < 256 || offset >= DiskLayout.PageSize - 256 || offset % 7 == 0)
            {
                yield return offset;
            }
        }
    }

    [Fact]
    public void StaleDirectoryPageIsFound()
    {
        byte[] bytes = TestImages.Build(TestImages.Small);
        VolumeImage image = VolumeImage.Open(bytes);
        uint dir = image.Chosen->DirectoryFirst;
        Mutate(bytes, image.Log->FirstPage + dir, p => ((DirectoryPage*)p)->Sequence = 2);
        Assert.Contains($"fault: directory page 0 (lid {dir}): directory page: belongs to another checkpoint", Faults(bytes));
    }

    [Fact]
    public void KeyWithAFutureAllocCountIsAFault()
    {
        byte[] bytes = TestImages.Build("volume v\nlog-objects none\nroot a\nnode a\n  slot 0 = node b\nnode b");
        VolumeImage image = VolumeImage.Open(bytes);
        Mutate(bytes, VolumeHeader.Range(image.Header, 1)->FirstPage, p => DiskNode.Slot(NodePot.NodeAt((NodePot*)p, 0), 0)->AllocCount = 9);
        Assert.Equal(new[] { "fault: node oid=0x1000 slot 0: node oid=0x1001 ac=9: AllocCount above the object's (0)" }, Faults(bytes));
    }

    [Fact]
    public void KeyToAnOidOutsideTheRangesIsAFault()
    {
        byte[] bytes = TestImages.Build("volume v\nlog-objects none\nroot a\nnode a\n  slot 3 = page p\npage p");
        VolumeImage image = VolumeImage.Open(bytes);
        Mutate(bytes, VolumeHeader.Range(image.Header, 1)->FirstPage, p => DiskNode.Slot(NodePot.NodeAt((NodePot*)p, 0), 3)->Oid = new Oid(0x1000));
        Assert.Equal(new[] { "fault: node oid=0x1000 slot 3: page oid=0x1000 ac=0: OID in a range of the other object kind" }, Faults(bytes));
    }

    [Fact]
    public void TruncatedImageIsFound()
    {
        byte[] bytes = TestImages.Build(TestImages.Small);
        int pages = bytes.Length / DiskLayout.PageSize;
        Assert.Contains(
            $"fault: volume header page 0: volume header: page count too small or larger than the disk (truncated image: {pages - 1} pages, the volume has {pages})",
            Faults(bytes[..^DiskLayout.PageSize]));
        Assert.Contains("fault: image: 100 bytes after the last whole page (truncated)", Faults(bytes[..^(DiskLayout.PageSize - 100)]));
        Assert.Contains("fault: volume header page 1: volume header: bad magic (not a CapOS volume) (page missing: truncated image)", Faults(bytes[..4096]));
    }

    private static void Mutate(byte[] bytes, ulong page, PageChange change)
    {
        fixed (byte* b = bytes)
        {
            byte* p = b + (page * DiskLayout.PageSize);
            change(p);
            PageSeal.Seal(p);
        }
    }

    private delegate void PageChange(byte* page);

    private static string[] Faults(byte[] bytes) =>
        ImageCheck.Run(VolumeImage.Open(bytes)).Where(f => f.Kind == FindingKind.Fault).Select(f => f.ToString()).ToArray();
}
