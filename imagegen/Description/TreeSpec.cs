using System.Collections.Generic;
using CapOS.Kernel.DiskFormat;
using CapOS.Kernel.NodeTree;

namespace CapOS.ImageGen.Description;

/// <summary>
/// `tree &lt;name&gt; fanout F depth D pages-per-leaf P [pattern S | fill B | zero]`: a complete tree of
/// nodes for bulk test graphs (docs/imagegen.md "Trees"). D levels of nodes; node <c>X</c>'s child i is
/// <c>X.i</c> in slot i; each leaf node holds P pages <c>X.p0</c>.. in slots 0..P-1. Objects are
/// declared depth-first, pre-order, a leaf's pages right after it; page k of the tree (in that order)
/// gets pattern seed S + k (default S = 0).
/// </summary>
internal sealed class TreeSpec
{
    /// <summary>Largest number of objects one tree may declare.</summary>
    public const long MaxObjects = 1_000_000;

    private string _name = "";
    private SourcePosition _position;
    private int _fanout;
    private int _depth;
    private int _pagesPerLeaf;
    private string _content = "pattern";
    private ulong _value;
    private int _pageCount;

    public static TreeSpec Parse(Token name, TokenCursor line)
    {
        var tree = new TreeSpec { _name = name.Text, _position = name.Position };
        line.Expect("fanout");
        tree._fanout = (int)Positive(line, "a fanout", DiskNode.SlotCount);
        line.Expect("depth");
        tree._depth = (int)Positive(line, "a depth", 64);
        line.Expect("pages-per-leaf");
        tree._pagesPerLeaf = (int)line.Number("a page count", DiskNode.SlotCount);
        if (!line.AtEnd)
        {
            Token content = line.Word("'pattern', 'fill' or 'zero'");
            tree._content = content.Text;
            tree._value = content.Text switch
            {
                "pattern" => line.Number("a pattern seed", ulong.MaxValue),
                "fill" => line.Number("a fill byte", byte.MaxValue),
                "zero" => 0,
                _ => throw new DescriptionException(content.Position, $"unknown tree page content '{content.Text}' (pattern, fill, zero)"),
            };
        }

        long total = tree.CountObjects();
        if (total > MaxObjects)
        {
            throw new DescriptionException(name.Position, $"tree '{name.Text}' would declare {total} objects (at most {MaxObjects})");
        }

        return tree;
    }

    private static ulong Positive(TokenCursor line, string what, ulong max)
    {
        SourcePosition position = line.Position;
        ulong value = line.Number(what, max);
        if (value == 0)
        {
            throw new DescriptionException(position, $"{what} must be at least 1");
        }

        return value;
    }

    private long CountObjects()
    {
        long nodes = 0;
        long level = 1;
        for (int d = 0; d < _depth && nodes <= MaxObjects; d++)
        {
            nodes += level;
            if (d < _depth - 1)
            {
                level *= _fanout;
            }
        }

        return nodes + (level * _pagesPerLeaf);
    }

    /// <summary>The tree's objects in declaration order; indexes start at <paramref name="firstIndex"/>.</summary>
    public List<ObjectSpec> Expand(int firstIndex)
    {
        var objects = new List<ObjectSpec>();
        Add(_name, 1, firstIndex, objects);
        return objects;
    }

    private NodeSpec Add(string name, int level, int firstIndex, List<ObjectSpec> objects)
    {
        var node = new NodeSpec(name, _position, firstIndex + objects.Count);
        objects.Add(node);
        if (level == _depth)
        {
            for (int p = 0; p < _pagesPerLeaf; p++)
            {
                var page = new PageSpec($"{name}.p{p}", _position, firstIndex + objects.Count) { Content = NextContent() };
                objects.Add(page);
                node.Slots[p] = new KeySpec(KeyType.Page, _position) { Target = page.Name, TargetPosition = _position };
            }

            return node;
        }

        for (int c = 0; c < _fanout; c++)
        {
            NodeSpec child = Add($"{name}.{c}", level + 1, firstIndex, objects);
            node.Slots[c] = new KeySpec(KeyType.Node, _position) { Target = child.Name, TargetPosition = _position };
        }

        return node;
    }

    private byte[]? NextContent()
    {
        int k = _pageCount++;
        switch (_content)
        {
            case "zero":
                return null;
            case "fill":
                if (_value == 0)
                {
                    return null;
                }

                var page = new byte[DiskLayout.PageSize];
                System.Array.Fill(page, (byte)_value);
                return page;
            default:
                return Pattern.Bytes(_value + (ulong)k);
        }
    }
}
