using System.Collections.Generic;
using System.Linq;
using CapOS.ImageGen.Description;
using CapOS.Kernel.NodeTree;
using Xunit;

namespace CapOS.ImageGen.Tests.Description;

/// <summary>The segment tree: heights, skipped levels, page keys in high slots, read-only page keys.</summary>
public sealed class AddressSpaceBuilderTests
{
    private static (KeySpec Top, SystemDescription Declared) Build(params (ulong Address, bool ReadOnly)[] pages)
    {
        var d = new SystemDescription();
        var map = new SortedDictionary<ulong, MappedPage>();
        foreach ((ulong address, bool readOnly) in pages)
        {
            map[address] = new MappedPage(new PageSpec($"p{address:x}", default, 0), readOnly);
        }

        return (AddressSpaceBuilder.Build("x", map, default, d), d);
    }

    private static string Slots(SystemDescription d, string node) =>
        string.Join(" ", ((NodeSpec)d.ByName[node]).Slots.Select((k, i) => (k, i)).Where(s => s.k is not null)
            .Select(s => $"{s.i}={(s.k!.Type == KeyType.Page ? "page" : $"h{s.k.KeyData}")}:{s.k.Target}{((s.k.Rights & KeyRights.ReadOnly) != 0 ? ":ro" : "")}"));

    [Fact]
    public void HeightsFollowTheHighestPage()
    {
        Assert.Equal(1, Build((0, false)).Top.KeyData);
        Assert.Equal(1, Build((31 * 0x1000UL, false)).Top.KeyData);
        Assert.Equal(2, Build((32 * 0x1000UL, false)).Top.KeyData);
        Assert.Equal(3, Build((0x400000, false)).Top.KeyData);
        Assert.Equal(7, Build((0x7FFFFFFFF000, false)).Top.KeyData);
    }

    [Fact]
    public void HelloShapedSpaceSkipsLevelsForCodeAndWalksEveryLevelForTheStack()
    {
        (KeySpec top, SystemDescription d) = Build((0x400000, true), (0x401000, false), (0x7FFFFFFEF000, false), (0x7FFFFFFEC000, false));
        Assert.Equal(("x/seg@0x0:h7", 7), (top.Target, (int)top.KeyData));
        Assert.Equal("0=h3:x/seg@0x0:h3 31=h6:x/seg@0x7c0000000000:h6", Slots(d, "x/seg@0x0:h7"));
        Assert.Equal("1=h1:x/seg@0x400000:h1", Slots(d, "x/seg@0x0:h3"));
        Assert.Equal("0=page:p400000:ro 1=page:p401000", Slots(d, "x/seg@0x400000:h1"));
        Assert.Equal("12=page:p7ffffffec000 15=page:p7ffffffef000", Slots(d, "x/seg@0x7ffffffe0000:h1"));
        Assert.Equal(9, d.Objects.Count);
        Assert.Equal("x/seg@0x0:h7", d.Objects[0].Name); // pre-order
    }

    [Fact]
    public void ALonePageAtTheStartOfASlotIsItsPageKey()
    {
        (_, SystemDescription d) = Build((0, false), (0x400000, false));
        Assert.Equal("0=page:p0 1=page:p400000", Slots(d, "x/seg@0x0:h3"));
        Assert.Single(d.Objects);
    }
}
