using System.Collections.Generic;
using System.Linq;
using CapOS.ImageGen.Description;
using CapOS.Kernel.DiskFormat;
using CapOS.Kernel.NodeTree;

namespace CapOS.ImageGen.Image;

/// <summary>
/// The layout of an image before any byte is written: OIDs, ranges, and which node pots and page
/// clusters checkpoint #1 logs (docs/imagegen.md "Layout").
/// </summary>
/// <remarks>
/// Volume: pages 0, 1 headers; the log range at page 2; then the node range; then the page range.
/// Nodes get OIDs densely from the node range's first OID in declaration order (the root first, I2), pages likewise.
/// Logging is per node pot (a pot image holds 7 nodes: every node of a logged pot gets a directory
/// entry) and per page; a cluster with a logged page has its tag pot logged (disk-format.md "TagPot").
/// Log area: node pot images, then per cluster its tag pot image and its non-zero logged pages, then the
/// directory pages; it starts at LID 2.
/// I1: every logged object's home location holds its state before checkpoint #1 (a blank node, a zero
/// page with AllocCount 0), so a reader that ignored the log would see different objects.
/// I2: the `root` node, if any, has the node range's first OID (other nodes follow in declaration order):
/// `imagegen digest` and `dump` find the root without a name table on disk.
/// </remarks>
internal sealed class ImagePlan
{
    public required SystemDescription Description { get; init; }

    public required List<NodeSpec> Nodes { get; init; }

    public required List<PageSpec> Pages { get; init; }

    public ulong NodeOidCount { get; private set; }

    public ulong PageOidCount { get; private set; }

    public ulong NodeRangePages { get; private set; }

    public ulong PageRangePages { get; private set; }

    public ulong LogPages { get; private set; }

    public ulong VolumePages { get; private set; }

    /// <summary>Node pot indexes (node index / 7) whose image is in the log.</summary>
    public SortedSet<ulong> LoggedPots { get; } = new();

    /// <summary>Page indexes (page OID - first) held in the log.</summary>
    public SortedSet<ulong> LoggedPages { get; } = new();

    /// <summary>Clusters (page index / 336) whose tag pot is in the log.</summary>
    public SortedSet<ulong> LoggedClusters { get; } = new();

    /// <summary>Log images in LID order from LID 2.</summary>
    public List<LogImage> Images { get; } = new();

    public int DirectoryEntryCount { get; private set; }

    public uint DirectoryPages => (uint)((DirectoryEntryCount + DirectoryPage.EntryCapacity - 1) / DirectoryPage.EntryCapacity);

    public uint AreaCount => (uint)Images.Count + DirectoryPages;

    public ulong LogFirstPage => DiskLayout.FirstRangePage;

    public ulong NodeFirstPage => LogFirstPage + LogPages;

    public ulong PageFirstPage => NodeFirstPage + NodeRangePages;

    public static ImagePlan Make(SystemDescription description)
    {
        List<NodeSpec> nodes = description.Objects.OfType<NodeSpec>().ToList();
        if (description.Root is string root)
        {
            // I2: the walk root holds the node range's first OID, so the image itself says which node it is.
            NodeSpec rootNode = (NodeSpec)description.ByName[root];
            nodes.Remove(rootNode);
            nodes.Insert(0, rootNode);
        }

        var plan = new ImagePlan
        {
            Description = description,
            Nodes = nodes,
            Pages = description.Objects.OfType<PageSpec>().ToList(),
        };
        plan.AssignOids();
        plan.ChooseLogged();
        plan.PlanImages();
        plan.SizeLog();
        plan.VolumePages = plan.PageFirstPage + plan.PageRangePages;
        return plan;
    }

    private void AssignOids()
    {
        NodeOidCount = RangeSize(Description.NodeRange, Nodes.Count, "node");
        PageOidCount = RangeSize(Description.PageRange, Pages.Count, "page");
        for (int i = 0; i < Nodes.Count; i++)
        {
            Nodes[i].Oid = new Oid(Description.NodeRange.FirstOid + (ulong)i);
        }

        for (int i = 0; i < Pages.Count; i++)
        {
            Pages[i].Oid = new Oid(Description.PageRange.FirstOid + (ulong)i);
        }

        NodeRangePages = NodeOidCount == 0 ? 0 : VolumeLayout.PagesFor(RangeKind.NodeRange, NodeOidCount);
        PageRangePages = PageOidCount == 0 ? 0 : VolumeLayout.PagesFor(RangeKind.PageRange, PageOidCount);
        RangeSpec nodes = Description.NodeRange;
        RangeSpec pages = Description.PageRange;
        if (NodeOidCount > 0 && PageOidCount > 0
            && nodes.FirstOid < pages.FirstOid + PageOidCount && pages.FirstOid < nodes.FirstOid + NodeOidCount)
        {
            SourcePosition where = nodes.Position.Line > 0 ? nodes.Position
                : pages.Position.Line > 0 ? pages.Position : new SourcePosition(Description.SourceFile, 1, 1);
            throw new DescriptionException(where, "the node and page OID ranges overlap (set first-oid)");
        }
    }

    private static ulong RangeSize(RangeSpec range, int declared, string kind)
    {
        if (range.OidCount is ulong explicitCount)
        {
            if (explicitCount < (ulong)declared)
            {
                throw new DescriptionException(range.Position, $"{kind}-range oids {explicitCount} is less than the {declared} {kind}s declared");
            }

            return explicitCount;
        }

        return (ulong)declared + range.Slack;
    }

    private void ChooseLogged()
    {
        int count = Description.LogSelection switch
        {
            LogSelectionKind.All => Description.Objects.Count,
            LogSelectionKind.First => System.Math.Min(Description.LogCount, Description.Objects.Count),
            _ => 0,
        };
        foreach (ObjectSpec spec in Description.Objects.Take(count))
        {
            if (spec is NodeSpec)
            {
                LoggedPots.Add((spec.Oid.Value - Description.NodeRange.FirstOid) / NodePot.NodeCapacity);
            }
            else
            {
                ulong index = spec.Oid.Value - Description.PageRange.FirstOid;
                LoggedPages.Add(index);
                LoggedClusters.Add(index / TagPot.EntryCapacity);
            }
        }
    }

    private void PlanImages()
    {
        foreach (ulong pot in LoggedPots)
        {
            Images.Add(new LogImage(ObType.NodePot, pot));
            DirectoryEntryCount += (int)System.Math.Min(NodePot.NodeCapacity, NodeOidCount - (pot * NodePot.NodeCapacity));
        }

        foreach (ulong cluster in LoggedClusters)
        {
            Images.Add(new LogImage(ObType.TagPot, cluster));
            DirectoryEntryCount++;
            foreach (ulong page in LoggedPages.GetViewBetween(cluster * TagPot.EntryCapacity, ((cluster + 1) * TagPot.EntryCapacity) - 1))
            {
                DirectoryEntryCount++;
                if (page < (ulong)Pages.Count && Pages[(int)page].Content is not null)
                {
                    Images.Add(new LogImage(ObType.Page, page));
                }
            }
        }
    }

    private void SizeLog()
    {
        ulong needed = DiskLayout.FirstAreaLid + AreaCount;
        if (Description.LogPages is ulong pages)
        {
            if (pages < needed)
            {
                throw new DescriptionException(Description.LogPosition,
                    $"log pages {pages} is too small: checkpoint #1 needs {needed} (2 headers, {Images.Count} images, {DirectoryPages} directory pages)");
            }

            LogPages = pages;
            return;
        }

        LogPages = System.Math.Max(64, DiskLayout.FirstAreaLid + (2 * AreaCount));
    }

    /// <summary>True when the node with index <paramref name="index"/> is in a logged pot.</summary>
    public bool IsNodeLogged(ulong index) => LoggedPots.Contains(index / NodePot.NodeCapacity);

    /// <summary>The declared node at <paramref name="index"/>, or null for a slack OID.</summary>
    public NodeSpec? NodeAt(ulong index) => index < (ulong)Nodes.Count ? Nodes[(int)index] : null;

    /// <summary>The declared page at <paramref name="index"/>, or null for a slack OID.</summary>
    public PageSpec? PageAt(ulong index) => index < (ulong)Pages.Count ? Pages[(int)index] : null;
}

/// <summary>One image of the log area: a node pot (Index = pot), a tag pot (Index = cluster) or a data page (Index = page).</summary>
internal readonly record struct LogImage(ObType Type, ulong Index);
