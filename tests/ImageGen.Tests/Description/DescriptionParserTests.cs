using System.Linq;
using CapOS.ImageGen.Description;
using CapOS.Kernel.NodeTree;
using Xunit;

namespace CapOS.ImageGen.Tests.Description;

public sealed class DescriptionParserTests
{
    [Theory]
    [InlineData("node a", "test.sys:1:1: missing 'volume <name>' line")]
    [InlineData("volume v\nfrobnicate", "test.sys:2:1: unknown directive 'frobnicate'")]
    [InlineData("volume v\nvolume w", "test.sys:2:1: 'volume' given twice")]
    [InlineData("volume v id 0", "test.sys:1:8: the volume id must not be 0")]
    [InlineData("volume v\nlog pages 3", "test.sys:2:1: the log needs at least 4 pages")]
    [InlineData("volume v\nlog pages many", "test.sys:2:11: expected a log page count (a number), found 'many'")]
    [InlineData("volume v\nlog", "test.sys:2:4: expected 'pages'")]
    [InlineData("volume v\ncheckpoint interval-ms 0", "test.sys:2:24: an interval in ms must not be 0")]
    [InlineData("volume v\ncheckpoint threshold 101", "test.sys:2:22: a threshold percentage 101 is out of range (at most 100)")]
    [InlineData("volume v\ncheckpoint every 5", "test.sys:2:12: unknown checkpoint option 'every'")]
    [InlineData("volume v\nnode-range oids 5 slack 1", "test.sys:2:1: give either 'oids' or 'slack', not both")]
    [InlineData("volume v\npage-range size 5", "test.sys:2:12: unknown range option 'size'")]
    [InlineData("volume v\nlog-objects some", "test.sys:2:13: expected 'all', 'none' or an object count (a number), found 'some'")]
    [InlineData("volume v\nroot nobody", "test.sys:2:6: root 'nobody' is not declared")]
    [InlineData("volume v\nroot p\npage p", "test.sys:2:6: root 'p' is a page; the root must be a node")]
    [InlineData("volume v\nslot 0 = console", "test.sys:2:1: 'slot' outside a node (write 'node <name>' first)")]
    [InlineData("volume v\nnode a\nslot 32 = console", "test.sys:3:6: slot number 32 is out of range (at most 31)")]
    [InlineData("volume v\nnode a\nslot 1 = console\nslot 1 = sleep", "test.sys:4:6: slot 1 of node 'a' given twice")]
    [InlineData("volume v\nnode a\nslot 1 console", "test.sys:3:8: expected '=', found 'console'")]
    [InlineData("volume v\nnode a\nslot 1 = gizmo", "test.sys:3:10: unknown key type 'gizmo'")]
    [InlineData("volume v\nnode a\nslot 1 = node b", "test.sys:3:15: 'b' is not declared")]
    [InlineData("volume v\nnode a\nslot 1 = page a", "test.sys:3:15: a page key needs a page; 'a' is not")]
    [InlineData("volume v\nnode a\npage p\nnode b\nslot 0 = node p", "test.sys:5:15: a node key needs a node; 'p' is not")]
    [InlineData("volume v\nnode a\nslot 1 = node a height 2", "test.sys:3:17: 'height' is not an option of a node key")]
    [InlineData("volume v\nnode a\nslot 1 = segment a height 256", "test.sys:3:27: a segment height 256 is out of range (at most 255)")]
    [InlineData("volume v\nnode a\nslot 1 = console extra", "test.sys:3:18: unexpected 'extra'")]
    [InlineData("volume v\nnode a\nslot 1 = number 1 2 3 4", "test.sys:3:23: unexpected '4'")]
    [InlineData("volume v\nnode a\nnode a", "test.sys:3:6: 'a' is already declared at line 2")]
    [InlineData("volume v\nnode 9lives", "test.sys:2:6: '9lives' is not a name (letters, digits, '_', '-', '.'; starts with a letter or '_')")]
    [InlineData("volume v\nnode a size 3", "test.sys:2:8: unknown node option 'size'")]
    [InlineData("volume v\npage p fill 256", "test.sys:2:13: a fill byte 256 is out of range (at most 255)")]
    [InlineData("volume v\npage p fill 1 fill 2", "test.sys:2:15: a page has one content")]
    [InlineData("volume v\npage p text hello", "test.sys:2:13: text needs a quoted string")]
    [InlineData("volume v\npage p text \"abc", "test.sys:2:13: unterminated string")]
    [InlineData("volume v\npage p text \"a\\q\"", "test.sys:2:15: unknown escape \\q")]
    [InlineData("volume v\npage p text \"\\x4\"", "test.sys:2:14: \\x needs two hex digits")]
    [InlineData("volume v\npage p file \"no-such-file.bin\"", "test.sys:2:13: cannot read 'no-such-file.bin'")]
    [InlineData("volume v\npage p paint 3", "test.sys:2:8: unknown page content 'paint' (zero, fill, text, file, pattern)")]
    [InlineData("volume v\ntree t fanout 0 depth 2 pages-per-leaf 1", "test.sys:2:15: a fanout must be at least 1")]
    [InlineData("volume v\ntree t fanout 33 depth 2 pages-per-leaf 1", "test.sys:2:15: a fanout 33 is out of range (at most 32)")]
    [InlineData("volume v\ntree t fanout 32 depth 6 pages-per-leaf 1", "test.sys:2:6: tree 't' would declare 34636833 objects (at most 1000000)")]
    [InlineData("volume v\ntree t fanout 2 depth 2 pages-per-leaf 1 paint", "test.sys:2:42: unknown tree page content 'paint' (pattern, fill, zero)")]
    [InlineData("volume v\nnode t.0\ntree t fanout 2 depth 2 pages-per-leaf 1", "test.sys:3:6: tree object 't.0' clashes with an earlier name")]
    public void EachErrorNamesItsPlace(string text, string message)
    {
        var error = Assert.Throws<DescriptionException>(() => TestImages.Parse(text));
        Assert.StartsWith(message, error.Message, System.StringComparison.Ordinal);
    }

    [Fact]
    public void CommentsBlankLinesAndIndentationAreIgnored()
    {
        SystemDescription d = TestImages.Parse("# header\n\nvolume v   # name\n  node a # a node\n\tslot 0 = console # key\n");
        NodeSpec a = Assert.IsType<NodeSpec>(d.ByName["a"]);
        Assert.Equal(KeyType.Console, a.Slots[0]!.Type);
    }

    [Fact]
    public void VolumeIdIsTheFnvHashOfTheNameUnlessGiven()
    {
        Assert.Equal(0xcbf29ce484222325UL, Fnv1a.Hash(""));
        Assert.Equal(0xaf63dc4c8601ec8cUL, Fnv1a.Hash("a")); // published FNV-1a 64 test vector
        Assert.Equal(Fnv1a.Hash("capos"), TestImages.Parse("volume capos").VolumeId);
        Assert.Equal(0x1234UL, TestImages.Parse("volume capos id 0x1234").VolumeId);
    }

    [Fact]
    public void KeysCarryTheirOptions()
    {
        SystemDescription d = TestImages.Parse(TestImages.Small);
        var top = (NodeSpec)d.ByName["top"];
        Assert.Equal((1u, 2u), (top.AllocCount, top.CallCount));
        Assert.Equal(KeyRights.ReadOnly, top.Slots[1]!.Rights);
        Assert.Equal((3u, 2u, 1u), (top.Slots[3]!.Word2, top.Slots[3]!.Word1, top.Slots[3]!.Word0));
        Assert.Equal(5, top.Slots[5]!.KeyData);
        Assert.Equal(2, top.Slots[7]!.KeyData);
        Assert.Equal(KeyRights.Weak, top.Slots[7]!.Rights);
        Assert.Equal(2u, top.Slots[8]!.CountOverride);
        Assert.Equal((0x100000u, 0u, 16u), (top.Slots[9]!.Word0, top.Slots[9]!.Word1, top.Slots[9]!.Word2));
        Assert.Null(((PageSpec)d.ByName["blank"]).Content);
        Assert.All(((PageSpec)d.ByName["filled"]).Content!, b => Assert.Equal(0xA5, b));
        Assert.Equal("hello\n"u8.ToArray(), ((PageSpec)d.ByName["hello"]).Content!.Take(6).ToArray());
    }

    [Fact]
    public void TreesExpandDepthFirstWithPagesAfterTheirLeaf()
    {
        SystemDescription d = TestImages.Parse("volume v\ntree t fanout 2 depth 2 pages-per-leaf 2 pattern 9");
        Assert.Equal(new[] { "t", "t.0", "t.0.p0", "t.0.p1", "t.1", "t.1.p0", "t.1.p1" }, d.Objects.Select(o => o.Name));
        var root = (NodeSpec)d.ByName["t"];
        Assert.Equal("t.1", root.Slots[1]!.Target);
        Assert.Null(root.Slots[2]);
        Assert.Equal(Pattern.Bytes(9 + 3), ((PageSpec)d.ByName["t.1.p1"]).Content);
    }

    [Fact]
    public void PatternIsSplitMix64()
    {
        byte[] page = Pattern.Bytes(0);
        // First SplitMix64 output for seed 0 (Vigna's reference implementation): 0xe220a8397b1dcdaf.
        Assert.Equal(0xe220a8397b1dcdafUL, System.BitConverter.ToUInt64(page, 0));
        Assert.Equal(4096, page.Length);
    }
}
