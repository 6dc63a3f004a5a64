using System.Collections.Generic;
using System.Linq;
using CapOS.Kernel.NodeTree;

namespace CapOS.ImageGen.Description;

/// <summary>
/// Lays a process's pages out as a segment tree (docs/process.md "Definitions": a slot of a height-h node
/// covers 2^(12+5(h-1)) bytes, the node 2^(12+5h); EROS blss). The smallest tree that maps exactly the
/// given pages: the top node has the least height whose span holds the highest page; below it a slot with
/// one page at the start of its span holds that page's key, a slot with more holds a segment key of the
/// least height that covers them from the slot's start (lower levels are skipped: a lower-height subtree
/// covers the low end of the slot's span), an empty slot is void. Read-only pages get read-only page keys.
/// </summary>
/// <remarks>
/// Nodes are declared in pre-order and named <c>&lt;process&gt;/seg@0x&lt;base&gt;:h&lt;height&gt;</c>.
/// For hello (pages at 0x400000..0x411000, a 4-page stack below 0x7fffffff0000): a height-7 top; slot 0 ->
/// h3 node at 0 -> slot 1 -> h1 node at 0x400000 holding 18 pages; slot 31 -> h6 -> h5 -> h4 -> h3 -> h2
/// -> h1 node at 0x7ffffffe0000 holding the stack in slots 12..15: 9 nodes.
/// </remarks>
internal static class AddressSpaceBuilder
{
    /// <summary>The greatest height: a height-7 segment spans the 2^47-byte user half.</summary>
    public const int MaxHeight = 7;

    /// <summary>Bytes a segment of height <paramref name="height"/> spans (height 0: one page).</summary>
    public static ulong Span(int height) => 1UL << (12 + (5 * height));

    /// <summary>
    /// Declares the tree's nodes in <paramref name="declare"/> and returns the segment key of its top,
    /// for a process root's address-space slot. The top's height is the least that spans the pages, or
    /// <paramref name="minHeight"/> when that is greater (a template's top is always height 7).
    /// </summary>
    public static KeySpec Build(string process, SortedDictionary<ulong, MappedPage> pages, SourcePosition position,
        SystemDescription declare, int minHeight = 1)
    {
        ulong last = pages.Keys.Last();
        int height = minHeight;
        while (last >= Span(height))
        {
            height++;
        }

        NodeSpec top = BuildNode(process, height, 0, pages.ToList(), position, declare);
        return SegmentKey(top, height, position);
    }

    private static NodeSpec BuildNode(string process, int height, ulong first, List<KeyValuePair<ulong, MappedPage>> pages,
        SourcePosition position, SystemDescription declare)
    {
        var node = new NodeSpec($"{process}/seg@0x{first:x}:h{height}", position, declare.Objects.Count);
        declare.Declare(node);
        ulong slotSpan = Span(height - 1);
        foreach (IGrouping<ulong, KeyValuePair<ulong, MappedPage>> slot in pages.GroupBy(p => (p.Key - first) / slotSpan))
        {
            ulong slotFirst = first + (slot.Key * slotSpan);
            List<KeyValuePair<ulong, MappedPage>> inSlot = slot.ToList();
            if (inSlot.Count == 1 && inSlot[0].Key == slotFirst)
            {
                node.Slots[slot.Key] = PageKey(inSlot[0].Value, position);
                continue;
            }

            int childHeight = 1;
            while (inSlot[^1].Key - slotFirst >= Span(childHeight))
            {
                childHeight++;
            }

            NodeSpec child = BuildNode(process, childHeight, slotFirst, inSlot, position, declare);
            node.Slots[slot.Key] = SegmentKey(child, childHeight, position);
        }

        return node;
    }

    private static KeySpec PageKey(MappedPage page, SourcePosition position) =>
        new(KeyType.Page, position)
        {
            Target = page.Page.Name,
            TargetPosition = position,
            Rights = page.ReadOnly ? KeyRights.ReadOnly : KeyRights.None,
        };

    private static KeySpec SegmentKey(NodeSpec node, int height, SourcePosition position) =>
        new(KeyType.Segment, position) { Target = node.Name, TargetPosition = position, KeyData = (ushort)height };
}

/// <summary>A page of an address space: its object and whether the process may write it.</summary>
internal readonly record struct MappedPage(PageSpec Page, bool ReadOnly);
