using System.Linq;
using CapOS.ImageGen.Description;
using CapOS.ImageGen.Image;
using CapOS.Kernel.DiskFormat;
using CapOS.Kernel.NodeTree;
using Xunit;

namespace CapOS.ImageGen.Tests.Description;

/// <summary>The primordial zero space (<see cref="ZeroSpace"/>; docs/imagegen.md "The zero space").</summary>
public sealed unsafe class ZeroSpaceTests
{
    private const string Holder = "volume v\nzero-space z\nnode a\n  slot 0 = zero-space z height 7\n  slot 1 = zero-space z height 0\n  slot 2 = zero-space z height 3\n";

    [Fact]
    public void ItIsAZeroPageAndSevenNodesInOrder()
    {
        SystemDescription d = TestImages.Parse(Holder);
        Assert.Equal(new[] { "z/page", "z/h1", "z/h2", "z/h3", "z/h4", "z/h5", "z/h6", "z/h7", "a" }, d.Objects.Select(o => o.Name));
        Assert.Null(((PageSpec)d.ByName["z/page"]).Content);
    }

    [Fact]
    public void HeightOneHoldsReadOnlyZeroPageKeysAndEveryOtherHeightWeakKeysOneLevelDown()
    {
        SystemDescription d = TestImages.Parse(Holder);
        Assert.All(((NodeSpec)d.ByName["z/h1"]).Slots, key =>
        {
            Assert.Equal((KeyType.Page, "z/page", KeyRights.ReadOnly), (key!.Type, key.Target, key.Rights));
        });
        for (int height = 2; height <= 7; height++)
        {
            Assert.All(((NodeSpec)d.ByName[$"z/h{height}"]).Slots, key =>
            {
                Assert.Equal((KeyType.Segment, $"z/h{height - 1}", KeyRights.ReadOnly | KeyRights.Weak | KeyRights.NoCall, height - 1),
                    (key!.Type, key.Target, key.Rights, (int)key.KeyData));
            });
        }
    }

    [Fact]
    public void TheKeyFormNamesTheSegmentOfThatHeightOrTheZeroPage()
    {
        var a = (NodeSpec)TestImages.Parse(Holder).ByName["a"];
        Assert.Equal((KeyType.Segment, "z/h7", 7, KeyRights.ReadOnly | KeyRights.Weak | KeyRights.NoCall), (a.Slots[0]!.Type, a.Slots[0]!.Target, (int)a.Slots[0]!.KeyData, a.Slots[0]!.Rights));
        Assert.Equal((KeyType.Page, "z/page", KeyRights.ReadOnly), (a.Slots[1]!.Type, a.Slots[1]!.Target, a.Slots[1]!.Rights));
        Assert.Equal((KeyType.Segment, "z/h3", 3), (a.Slots[2]!.Type, a.Slots[2]!.Target, (int)a.Slots[2]!.KeyData));
    }

    /// <summary>Every address of the height-7 space reads the zero page, read-only (the image's own segment walk).</summary>
    [Fact]
    public void EveryAddressOfTheUserHalfReadsTheZeroPageReadOnly()
    {
        SystemDescription d = TestImages.Parse(Holder + "root a");
        var image = VolumeImage.Open(ImageBuilder.Build(d));
        DiskKey space = *DiskNode.Slot(image.Node(d.ByName["a"].Oid, out _), 0);
        Oid zero = d.ByName["z/page"].Oid;
        var random = new System.Random(12);
        ulong[] addresses = [0, 0x1000, 0x400000, 0x7fff_ffff_f000, 0x7fff_ffff_ffff, .. Enumerable.Range(0, 200).Select(_ => (ulong)random.NextInt64(0, 1L << 47))];
        foreach (ulong address in addresses)
        {
            Mapping? mapping = SpaceWalk.Translate(image, space, address);
            Assert.NotNull(mapping);
            Assert.Equal(zero, mapping.Value.Page);
            Assert.True(mapping.Value.ReadOnly);
        }

        Assert.Null(SpaceWalk.Translate(image, space, 1UL << 47)); // beyond the user half
        Assert.True(image.TryPage(zero, out _, out byte* content, out _));
        Assert.True(content == null); // a zero page: no image anywhere
    }

    [Theory]
    [InlineData("volume v\nnode a\n  slot 0 = zero-space z height 2", "test.sys:3:23: zero space 'z' is not declared")]
    [InlineData("volume v\nzero-space z\nnode a\n  slot 0 = zero-space z height 8", "test.sys:4:32: a zero-space height 8 is out of range (at most 7)")]
    [InlineData("volume v\nzero-space z\nnode a\n  slot 0 = zero-space z", "test.sys:4:24: expected 'height'")]
    [InlineData("volume v\nzero-space z\nzero-space z", "test.sys:3:12: zero space 'z' is already declared at line 2")]
    [InlineData("volume v\nzero-space 9z", "test.sys:2:12: '9z' is not a name")]
    public void EachErrorNamesItsPlace(string text, string message)
    {
        var error = Assert.Throws<DescriptionException>(() => TestImages.Build(text));
        Assert.StartsWith(message, error.Message, System.StringComparison.Ordinal);
    }
}
