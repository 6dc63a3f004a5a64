using System;
using CapOS.ImageGen.Description;
using CapOS.Kernel.DiskFormat;
using CapOS.Kernel.NodeTree;

namespace CapOS.ImageGen.Image;

/// <summary>
/// Writes the image an ImagePlan describes: volume header and copy, home node pots, tag pots and data
/// pages, checkpoint #1's log images, directory and header in LID 0; LID 1 stays blank (disk-format.md
/// "Commit protocol": the next checkpoint goes there). Bit-reproducible: the bytes depend on the
/// description alone (docs/imagegen.md "Layout").
/// </summary>
internal static unsafe class ImageBuilder
{
    /// <summary>Sequence of the checkpoint imagegen writes.</summary>
    public const ulong Sequence = 1;

    /// <summary>Sequence stamped on a home pot that holds the state from before checkpoint #1 (plan I1).</summary>
    public const ulong FormattedSequence = 0;

    public static byte[] Build(SystemDescription description)
    {
        ImagePlan plan = ImagePlan.Make(description);
        byte[] image = GC.AllocateArray<byte>(checked((int)(plan.VolumePages * DiskLayout.PageSize)), pinned: true);
        fixed (byte* disk = image)
        {
            WriteVolumeHeaders(plan, disk);
            WriteNodeRange(plan, disk);
            WritePageRange(plan, disk);
            WriteLog(plan, disk);
        }

        return image;
    }

    private static byte* Page(byte* disk, ulong page) => disk + (page * DiskLayout.PageSize);

    private static void WriteVolumeHeaders(ImagePlan plan, byte* disk)
    {
        var header = (VolumeHeader*)Page(disk, DiskLayout.VolumeHeaderPage);
        VolumeHeader.Initialize(header);
        header->VolumePageCount = plan.VolumePages;
        header->VolumeId = plan.Description.VolumeId;
        int count = 0;
        *VolumeHeader.Range(header, count++) = new RangeDescriptor
        {
            Kind = RangeKind.LogRange, FirstPage = plan.LogFirstPage, PageCount = plan.LogPages,
        };
        if (plan.NodeOidCount > 0)
        {
            *VolumeHeader.Range(header, count++) = new RangeDescriptor
            {
                Kind = RangeKind.NodeRange, FirstPage = plan.NodeFirstPage, PageCount = plan.NodeRangePages,
                FirstOid = new Oid(plan.Description.NodeRange.FirstOid), OidCount = plan.NodeOidCount,
            };
        }

        if (plan.PageOidCount > 0)
        {
            *VolumeHeader.Range(header, count++) = new RangeDescriptor
            {
                Kind = RangeKind.PageRange, FirstPage = plan.PageFirstPage, PageCount = plan.PageRangePages,
                FirstOid = new Oid(plan.Description.PageRange.FirstOid), OidCount = plan.PageOidCount,
            };
        }

        header->RangeCount = (uint)count;
        PageSeal.Seal((byte*)header);
        Buffer.MemoryCopy(header, Page(disk, DiskLayout.VolumeHeaderCopyPage), DiskLayout.PageSize, DiskLayout.PageSize);
    }

    private static void WriteNodeRange(ImagePlan plan, byte* disk)
    {
        for (ulong pot = 0; pot < plan.NodeRangePages; pot++)
        {
            bool logged = plan.LoggedPots.Contains(pot);
            FillNodePot(plan, (NodePot*)Page(disk, plan.NodeFirstPage + pot), pot, blank: logged);
        }
    }

    /// <summary>Node pot <paramref name="pot"/>: its nodes' state after checkpoint #1, or formatted (blank).</summary>
    private static void FillNodePot(ImagePlan plan, NodePot* pot, ulong potIndex, bool blank)
    {
        ulong first = potIndex * NodePot.NodeCapacity;
        uint count = (uint)Math.Min(NodePot.NodeCapacity, plan.NodeOidCount - first);
        NodePot.Initialize(pot, new Oid(plan.Description.NodeRange.FirstOid + first), count, blank ? FormattedSequence : Sequence);
        for (uint i = 0; i < count && !blank; i++)
        {
            if (plan.NodeAt(first + i) is NodeSpec spec)
            {
                KeyEncoder.WriteNode(plan.Description, spec, NodePot.NodeAt(pot, (int)i));
            }
        }

        PageSeal.Seal((byte*)pot);
    }

    private static void WritePageRange(ImagePlan plan, byte* disk)
    {
        ulong clusters = (plan.PageOidCount + TagPot.EntryCapacity - 1) / TagPot.EntryCapacity;
        for (ulong cluster = 0; cluster < clusters; cluster++)
        {
            var tagPot = (TagPot*)Page(disk, plan.PageFirstPage + (cluster * VolumeLayout.ClusterPages));
            bool logged = plan.LoggedClusters.Contains(cluster);
            FillTagPot(plan, tagPot, cluster, home: true, logged ? FormattedSequence : Sequence);
            uint count = tagPot->EntryCount;
            for (uint e = 0; e < count; e++)
            {
                ulong index = (cluster * TagPot.EntryCapacity) + e;
                if (!plan.LoggedPages.Contains(index) && plan.PageAt(index)?.Content is byte[] content)
                {
                    content.CopyTo(new Span<byte>((byte*)tagPot + ((1 + e) * DiskLayout.PageSize), DiskLayout.PageSize));
                }
            }
        }
    }

    /// <summary>
    /// Tag pot of <paramref name="cluster"/>: at home (<paramref name="home"/>) logged pages keep their
    /// formatted entry (zero page, AllocCount 0); the log image has every page's entry.
    /// </summary>
    private static void FillTagPot(ImagePlan plan, TagPot* pot, ulong cluster, bool home, ulong sequence)
    {
        ulong first = cluster * TagPot.EntryCapacity;
        uint count = (uint)Math.Min(TagPot.EntryCapacity, plan.PageOidCount - first);
        TagPot.Initialize(pot, new Oid(plan.Description.PageRange.FirstOid + first), count, sequence);
        for (uint e = 0; e < count; e++)
        {
            ulong index = first + e;
            if ((home && plan.LoggedPages.Contains(index)) || plan.PageAt(index) is not PageSpec spec)
            {
                continue;
            }

            TagEntry* entry = TagPot.Entry(pot, (int)e);
            entry->AllocCount = spec.AllocCount;
            if (spec.Content is byte[] content)
            {
                entry->Tag = FrameTag.DataPage;
                entry->DataCrc = Crc(content);
            }
        }

        PageSeal.Seal((byte*)pot);
    }

    private static uint Crc(byte[] content)
    {
        fixed (byte* bytes = content)
        {
            return PageSeal.ImageCrc(bytes);
        }
    }

    private static void WriteLog(ImagePlan plan, byte* disk)
    {
        byte* log = Page(disk, plan.LogFirstPage);
        var directory = new DirectoryWriter(plan, log);
        uint lid = DiskLayout.FirstAreaLid;
        foreach (LogImage image in plan.Images)
        {
            byte* page = log + (lid * (ulong)DiskLayout.PageSize);
            WriteImage(plan, image, page);
            directory.Add(image, lid, PageSeal.ImageCrc(page));
            lid++;
        }

        uint directoryFirst = lid;
        directory.Write(directoryFirst);
        var header = (CheckpointHeader*)(log + (DiskLayout.HeaderLid0 * (ulong)DiskLayout.PageSize));
        CheckpointHeader.Initialize(header, Sequence, plan.Description.VolumeId);
        header->LogAreaFirst = DiskLayout.FirstAreaLid;
        header->LogAreaCount = plan.AreaCount;
        header->DirectoryFirst = directoryFirst;
        header->DirectoryPageCount = plan.DirectoryPages;
        header->DirectoryEntryCount = (uint)plan.DirectoryEntryCount;
        header->CheckpointIntervalMs = plan.Description.CheckpointIntervalMs;
        header->LogThresholdPercent = plan.Description.LogThresholdPercent;
        WriteRestartList(plan.Description, header);
        PageSeal.Seal((byte*)header);
    }

    /// <summary>Every process of the description, in declaration order (all start Running: docs/process.md P4).</summary>
    private static void WriteRestartList(SystemDescription description, CheckpointHeader* header)
    {
        header->RestartCount = (uint)description.Processes.Count;
        for (int i = 0; i < description.Processes.Count; i++)
        {
            NodeSpec root = description.Processes[i].Root;
            *CheckpointHeader.Restart(header, i) = new RestartEntry { Oid = root.Oid, AllocCount = root.AllocCount };
        }
    }

    private static void WriteImage(ImagePlan plan, LogImage image, byte* page)
    {
        switch (image.Type)
        {
            case ObType.NodePot:
                FillNodePot(plan, (NodePot*)page, image.Index, blank: false);
                break;
            case ObType.TagPot:
                FillTagPot(plan, (TagPot*)page, image.Index, home: false, Sequence);
                break;
            default:
                plan.Pages[(int)image.Index].Content.AsSpan().CopyTo(new Span<byte>(page, DiskLayout.PageSize));
                break;
        }
    }
}
