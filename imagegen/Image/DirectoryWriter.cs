using System.Collections.Generic;
using CapOS.Kernel.DiskFormat;
using CapOS.Kernel.NodeTree;

namespace CapOS.ImageGen.Image;

/// <summary>
/// Collects checkpoint #1's directory entries in log order and writes the directory pages
/// (disk-format.md "Directory page"): a node pot image gives one entry per node of the pot, a tag pot
/// image one TagPot entry followed by the cluster's logged zero pages (Lid 0, no image), a data page one entry.
/// </summary>
internal sealed unsafe class DirectoryWriter
{
    private readonly ImagePlan _plan;
    private readonly byte* _log;
    private readonly List<DirectoryEntry> _entries = new();

    public DirectoryWriter(ImagePlan plan, byte* log)
    {
        _plan = plan;
        _log = log;
    }

    public void Add(LogImage image, uint lid, uint crc)
    {
        switch (image.Type)
        {
            case ObType.NodePot:
                AddNodes(image.Index, lid, crc);
                break;
            case ObType.TagPot:
                AddCluster(image.Index, lid, crc);
                break;
            default:
                Description.PageSpec page = _plan.Pages[(int)image.Index];
                _entries.Add(new DirectoryEntry { Oid = page.Oid, AllocCount = page.AllocCount, ImageCrc = crc, Lid = lid, Type = ObType.Page });
                break;
        }
    }

    private void AddNodes(ulong pot, uint lid, uint crc)
    {
        ulong first = pot * NodePot.NodeCapacity;
        ulong count = System.Math.Min(NodePot.NodeCapacity, _plan.NodeOidCount - first);
        for (ulong i = 0; i < count; i++)
        {
            _entries.Add(new DirectoryEntry
            {
                Oid = new Oid(_plan.Description.NodeRange.FirstOid + first + i),
                AllocCount = _plan.NodeAt(first + i)?.AllocCount ?? 0,
                ImageCrc = crc,
                Lid = lid,
                Type = ObType.Node,
                Slot = (byte)i,
            });
        }
    }

    private void AddCluster(ulong cluster, uint lid, uint crc)
    {
        ulong first = cluster * TagPot.EntryCapacity;
        _entries.Add(new DirectoryEntry
        {
            Oid = new Oid(_plan.Description.PageRange.FirstOid + first), ImageCrc = crc, Lid = lid, Type = ObType.TagPot,
        });
        foreach (ulong index in _plan.LoggedPages.GetViewBetween(first, first + TagPot.EntryCapacity - 1))
        {
            Description.PageSpec page = _plan.Pages[(int)index];
            if (page.Content is null)
            {
                _entries.Add(new DirectoryEntry { Oid = page.Oid, AllocCount = page.AllocCount, Lid = DiskLayout.ZeroLid, Type = ObType.Page });
            }
        }
    }

    /// <summary>Writes the directory pages from <paramref name="firstLid"/> on.</summary>
    public void Write(uint firstLid)
    {
        System.Diagnostics.Debug.Assert(_entries.Count == _plan.DirectoryEntryCount, "the plan counted every entry");
        for (int p = 0; p < _plan.DirectoryPages; p++)
        {
            var page = (DirectoryPage*)(_log + ((firstLid + (ulong)p) * DiskLayout.PageSize));
            DirectoryPage.Initialize(page, ImageBuilder.Sequence, (uint)p);
            int start = p * DirectoryPage.EntryCapacity;
            int count = System.Math.Min(DirectoryPage.EntryCapacity, _entries.Count - start);
            for (int i = 0; i < count; i++)
            {
                *DirectoryPage.Entry(page, i) = _entries[start + i];
            }

            page->EntryCount = (uint)count;
            PageSeal.Seal((byte*)page);
        }
    }
}
