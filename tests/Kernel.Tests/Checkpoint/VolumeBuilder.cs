using System;
using System.Collections.Generic;
using System.Linq;
using CapOS.Kernel.DiskFormat;
using CapOS.Kernel.NodeTree;

namespace CapOS.Kernel.Tests.Checkpoint;

/// <summary>
/// Builds small CapOS volumes in memory for host tests (recovery, object cache, later the checkpoint):
/// one page range, one node range, one log range; home objects; optionally a checkpoint whose log holds
/// images of some objects with their directory; the two header slots. Also a model of the objects as
/// recovery must see them (<see cref="PageAt"/>, <see cref="NodeAt"/>) and the places of every structure,
/// so tests can damage exactly one.
/// </summary>
internal sealed unsafe class VolumeBuilder
{
    public const ulong DefaultVolumeId = 0x5EED_0000_CAB0_0001;
    private const int PageSize = DiskLayout.PageSize;

    private readonly Dictionary<ulong, PageModel> _homePages = [];
    private readonly Dictionary<ulong, NodeModel> _homeNodes = [];
    private readonly SortedDictionary<ulong, PageModel> _logPages = [];
    private readonly SortedDictionary<ulong, NodeModel> _logNodes = [];
    private readonly Dictionary<(ulong Oid, ObType Type), uint> _lids = [];

    public VolumeBuilder(ulong pageOids = 400, ulong nodeOids = 100, ulong logPages = 64)
    {
        PageOids = pageOids;
        NodeOids = nodeOids;
        LogPages = logPages;
    }

    public ulong VolumeId { get; set; } = DefaultVolumeId;
    public ulong PageFirstOid { get; } = 0x1000;
    public ulong NodeFirstOid { get; } = 0x100000;
    public ulong PageOids { get; }
    public ulong NodeOids { get; }
    public ulong LogPages { get; }

    /// <summary>Sequence number of the checkpoint written.</summary>
    public ulong Sequence { get; set; } = 1;

    /// <summary>Header slot (LID 0 or 1) holding the checkpoint.</summary>
    public int Slot { get; set; }

    /// <summary>Write the checkpoint's header with the Migrated flag (and the logged objects at home too).</summary>
    public bool Migrated { get; set; }

    /// <summary>Write a valid, empty header of Sequence - 1 in the other slot (else the other slot is blank).</summary>
    public bool OlderHeaderInOtherSlot { get; set; }

    public uint RestartCount { get; set; }

    /// <summary>Processes on the restart list (root OID, AllocCount), written after <see cref="RestartCount"/> bare entries.</summary>
    public System.Collections.Generic.List<(Oid Root, uint AllocCount)> Restarts { get; } = [];

    public ulong PagePages => VolumeLayout.PagesFor(RangeKind.PageRange, PageOids);
    public ulong NodePages => VolumeLayout.PagesFor(RangeKind.NodeRange, NodeOids);
    public ulong NodeFirstPage => DiskLayout.FirstRangePage + PagePages;
    public ulong LogFirstPage => NodeFirstPage + NodePages;
    public ulong VolumePages => LogFirstPage + LogPages;

    /// <summary>After <see cref="Build"/>: LID of the first directory page and the page count.</summary>
    public uint DirectoryFirst { get; private set; }
    public uint DirectoryPageCount { get; private set; }
    public uint DirectoryEntryCount { get; private set; }

    public Oid PageOid(ulong index) => new(PageFirstOid + index);
    public Oid NodeOid(ulong index) => new(NodeFirstOid + index);

    /// <summary>A home page: <paramref name="data"/> null is a zero page.</summary>
    public VolumeBuilder Page(Oid oid, byte[]? data, uint allocCount = 0)
    {
        _homePages[oid.Value] = new PageModel(allocCount, data);
        return this;
    }

    /// <summary>A home node.</summary>
    public VolumeBuilder Node(Oid oid, NodeModel node)
    {
        _homeNodes[oid.Value] = node;
        return this;
    }

    /// <summary>The checkpoint logs this page version (data null: a zero page with no image).</summary>
    public VolumeBuilder LogPage(Oid oid, byte[]? data, uint allocCount = 0)
    {
        _logPages[oid.Value] = new PageModel(allocCount, data);
        return this;
    }

    /// <summary>The checkpoint logs this node version.</summary>
    public VolumeBuilder LogNode(Oid oid, NodeModel node)
    {
        _logNodes[oid.Value] = node;
        return this;
    }

    /// <summary>The page as recovery must see it.</summary>
    public PageModel PageAt(Oid oid) =>
        _logPages.TryGetValue(oid.Value, out PageModel? logged) ? logged
        : _homePages.TryGetValue(oid.Value, out PageModel? home) ? home : new PageModel(0, null);

    /// <summary>The node as recovery must see it.</summary>
    public NodeModel NodeAt(Oid oid) =>
        _logNodes.TryGetValue(oid.Value, out NodeModel? logged) ? logged
        : _homeNodes.TryGetValue(oid.Value, out NodeModel? home) ? home : new NodeModel();

    /// <summary>After <see cref="Build"/>: the LID of the image of (oid, type), if logged with one.</summary>
    public uint? LidOf(Oid oid, ObType type) => _lids.TryGetValue((oid.Value, type), out uint lid) ? lid : null;

    public ulong DiskPageOfLid(uint lid) => LogFirstPage + lid;

    /// <summary>Home disk page of a page (its data page) or a node (its pot).</summary>
    public ulong HomePageOf(Oid oid) => Locate(oid).HomePage;

    public ulong TagPotPageOf(Oid oid) => Locate(oid).TagPotPage;

    public ObjectLocation Locate(Oid oid)
    {
        byte[] header = new byte[PageSize];
        fixed (byte* p = header)
        {
            WriteVolumeHeader((VolumeHeader*)p);
            Assert(VolumeLayout.Locate((VolumeHeader*)p, oid, out ObjectLocation location) == FormatError.None, "oid outside the volume");
            return location;
        }
    }

    /// <summary>Writes the whole volume.</summary>
    public byte[] Build()
    {
        var image = new byte[VolumePages * PageSize];
        fixed (byte* disk = image)
        {
            WriteVolumeHeader((VolumeHeader*)disk);
            Buffer.MemoryCopy(disk, disk + PageSize, PageSize, PageSize);
            Dictionary<ulong, PageModel> homePages = Migrated ? Merge(_homePages, _logPages) : _homePages;
            Dictionary<ulong, NodeModel> homeNodes = Migrated ? Merge(_homeNodes, _logNodes) : _homeNodes;
            WritePageRange(disk, homePages);
            WriteNodeRange(disk, homeNodes);
            WriteCheckpoint(disk);
        }

        return image;
    }

    private static Dictionary<ulong, T> Merge<T>(Dictionary<ulong, T> home, SortedDictionary<ulong, T> log)
    {
        var merged = new Dictionary<ulong, T>(home);
        foreach (KeyValuePair<ulong, T> pair in log)
        {
            merged[pair.Key] = pair.Value;
        }

        return merged;
    }

    private void WriteVolumeHeader(VolumeHeader* header)
    {
        VolumeHeader.Initialize(header);
        header->VolumePageCount = VolumePages;
        header->VolumeId = VolumeId;
        header->RangeCount = 3;
        SetRange(VolumeHeader.Range(header, 0), RangeKind.PageRange, DiskLayout.FirstRangePage, PagePages, PageFirstOid, PageOids);
        SetRange(VolumeHeader.Range(header, 1), RangeKind.NodeRange, NodeFirstPage, NodePages, NodeFirstOid, NodeOids);
        SetRange(VolumeHeader.Range(header, 2), RangeKind.LogRange, LogFirstPage, LogPages, 0, 0);
        PageSeal.Seal((byte*)header);
    }

    private static void SetRange(RangeDescriptor* range, RangeKind kind, ulong firstPage, ulong pageCount, ulong firstOid, ulong oidCount)
    {
        range->Kind = kind;
        range->FirstPage = firstPage;
        range->PageCount = pageCount;
        range->FirstOid = new Oid(firstOid);
        range->OidCount = oidCount;
    }

    private void WritePageRange(byte* disk, Dictionary<ulong, PageModel> pages)
    {
        for (ulong first = 0; first < PageOids; first += TagPot.EntryCapacity)
        {
            ObjectLocation cluster = Locate(PageOid(first));
            TagPot* pot = (TagPot*)(disk + (cluster.TagPotPage * PageSize));
            FillTagPot(pot, cluster, pages);
            PageSeal.Seal((byte*)pot);
        }

        foreach (KeyValuePair<ulong, PageModel> pair in pages)
        {
            if (pair.Value.Data is byte[] data)
            {
                data.CopyTo(new Span<byte>(disk + (HomePageOf(new Oid(pair.Key)) * PageSize), PageSize));
            }
        }
    }

    private static void FillTagPot(TagPot* pot, ObjectLocation cluster, IReadOnlyDictionary<ulong, PageModel> pages)
    {
        TagPot.Initialize(pot, cluster.PotFirstOid, cluster.PotObjectCount, 1);
        for (int i = 0; i < cluster.PotObjectCount; i++)
        {
            if (pages.TryGetValue(cluster.PotFirstOid.Value + (ulong)i, out PageModel? page))
            {
                TagEntry* entry = TagPot.Entry(pot, i);
                entry->AllocCount = page.AllocCount;
                entry->Tag = page.Data == null ? FrameTag.ZeroPage : FrameTag.DataPage;
                entry->DataCrc = page.Data == null ? 0 : Crc(page.Data);
            }
        }
    }

    private void WriteNodeRange(byte* disk, Dictionary<ulong, NodeModel> nodes)
    {
        for (ulong first = 0; first < NodeOids; first += NodePot.NodeCapacity)
        {
            ObjectLocation pot = Locate(NodeOid(first));
            FillNodePot((NodePot*)(disk + (pot.HomePage * PageSize)), pot, nodes, 1);
        }
    }

    private static void FillNodePot(NodePot* pot, ObjectLocation location, IReadOnlyDictionary<ulong, NodeModel> nodes, ulong sequence)
    {
        NodePot.Initialize(pot, location.PotFirstOid, location.PotObjectCount, sequence);
        for (int i = 0; i < location.PotObjectCount; i++)
        {
            if (nodes.TryGetValue(location.PotFirstOid.Value + (ulong)i, out NodeModel? node))
            {
                DiskNode* disk = NodePot.NodeAt(pot, i);
                disk->AllocCount = node.AllocCount;
                disk->CallCount = node.CallCount;
                for (int s = 0; s < global::CapOS.Kernel.NodeTree.Node.SlotCount; s++)
                {
                    *(Key*)DiskNode.Slot(disk, s) = node.Slots[s];
                }
            }
        }

        PageSeal.Seal((byte*)pot);
    }

    private void WriteCheckpoint(byte* disk)
    {
        var entries = new List<DirectoryEntry>();
        uint next = DiskLayout.FirstAreaLid;
        _lids.Clear();
        WriteLoggedPages(disk, entries, ref next);
        WriteLoggedNodes(disk, entries, ref next);
        DirectoryFirst = next;
        DirectoryEntryCount = (uint)entries.Count;
        DirectoryPageCount = (uint)((entries.Count + DirectoryPage.EntryCapacity - 1) / DirectoryPage.EntryCapacity);
        for (uint p = 0; p < DirectoryPageCount; p++)
        {
            DirectoryPage* page = (DirectoryPage*)LogSlot(disk, next++);
            DirectoryPage.Initialize(page, Sequence, p);
            int count = Math.Min(DirectoryPage.EntryCapacity, entries.Count - (int)(p * DirectoryPage.EntryCapacity));
            page->EntryCount = (uint)count;
            for (int e = 0; e < count; e++)
            {
                *DirectoryPage.Entry(page, e) = entries[(int)(p * DirectoryPage.EntryCapacity) + e];
            }

            PageSeal.Seal((byte*)page);
        }

        WriteHeader((CheckpointHeader*)LogSlot(disk, (uint)Slot), Sequence, next - DiskLayout.FirstAreaLid, Migrated);
        if (OlderHeaderInOtherSlot)
        {
            WriteEmptyHeader((CheckpointHeader*)LogSlot(disk, (uint)(1 - Slot)), Sequence - 1);
        }
    }

    private void WriteLoggedPages(byte* disk, List<DirectoryEntry> entries, ref uint next)
    {
        var clusters = new SortedSet<ulong>();
        foreach (KeyValuePair<ulong, PageModel> pair in _logPages)
        {
            uint lid = 0;
            if (pair.Value.Data is byte[] data)
            {
                lid = next++;
                data.CopyTo(new Span<byte>(LogSlot(disk, lid), PageSize));
                _lids[(pair.Key, ObType.Page)] = lid;
            }

            entries.Add(Entry(new Oid(pair.Key), ObType.Page, pair.Value.AllocCount, lid, lid == 0 ? 0 : Crc(pair.Value.Data!), 0));
            clusters.Add(Locate(new Oid(pair.Key)).PotFirstOid.Value);
        }

        foreach (ulong first in clusters)
        {
            ObjectLocation cluster = Locate(new Oid(first));
            uint lid = next++;
            TagPot* pot = (TagPot*)LogSlot(disk, lid);
            FillTagPot(pot, cluster, Merge(_homePages, _logPages));
            pot->Sequence = Sequence;
            PageSeal.Seal((byte*)pot);
            _lids[(first, ObType.TagPot)] = lid;
            entries.Add(Entry(new Oid(first), ObType.TagPot, 0, lid, Crc(LogSlot(disk, lid)), 0));
        }
    }

    private void WriteLoggedNodes(byte* disk, List<DirectoryEntry> entries, ref uint next)
    {
        Dictionary<ulong, NodeModel> all = Merge(_homeNodes, _logNodes);
        foreach (IGrouping<ulong, ulong> pot in _logNodes.Keys.GroupBy(oid => Locate(new Oid(oid)).PotFirstOid.Value))
        {
            ObjectLocation location = Locate(new Oid(pot.Key));
            uint lid = next++;
            FillNodePot((NodePot*)LogSlot(disk, lid), location, all, Sequence);
            uint crc = Crc(LogSlot(disk, lid));
            foreach (ulong oid in pot)
            {
                _lids[(oid, ObType.Node)] = lid;
                entries.Add(Entry(new Oid(oid), ObType.Node, _logNodes[oid].AllocCount, lid, crc, (byte)Locate(new Oid(oid)).Slot));
            }
        }
    }

    private static DirectoryEntry Entry(Oid oid, ObType type, uint allocCount, uint lid, uint crc, byte slot) =>
        new() { Oid = oid, Type = type, AllocCount = allocCount, Lid = lid, ImageCrc = crc, Slot = slot };

    private void WriteHeader(CheckpointHeader* header, ulong sequence, uint areaCount, bool migrated)
    {
        CheckpointHeader.Initialize(header, sequence, VolumeId);
        header->LogAreaFirst = DiskLayout.FirstAreaLid;
        header->LogAreaCount = areaCount;
        header->DirectoryFirst = DirectoryFirst;
        header->DirectoryPageCount = DirectoryPageCount;
        header->DirectoryEntryCount = DirectoryEntryCount;
        header->RestartCount = RestartCount + (uint)Restarts.Count;
        for (int i = 0; i < Restarts.Count; i++)
        {
            RestartEntry* restart = CheckpointHeader.Restart(header, (int)RestartCount + i);
            restart->Oid = Restarts[i].Root;
            restart->AllocCount = Restarts[i].AllocCount;
        }

        header->Flags = migrated ? CheckpointFlags.Migrated : CheckpointFlags.None;
        PageSeal.Seal((byte*)header);
    }

    private void WriteEmptyHeader(CheckpointHeader* header, ulong sequence)
    {
        CheckpointHeader.Initialize(header, sequence, VolumeId);
        PageSeal.Seal((byte*)header);
    }

    private byte* LogSlot(byte* disk, uint lid)
    {
        Assert(lid < LogPages, "log too small for the checkpoint");
        return disk + (DiskPageOfLid(lid) * PageSize);
    }

    public static uint Crc(byte[] data)
    {
        fixed (byte* p = data)
        {
            return Crc32C.Compute(p, (nuint)data.Length);
        }
    }

    private static uint Crc(byte* page) => Crc32C.Compute(page, PageSize);

    private static void Assert(bool condition, string message)
    {
        if (!condition)
        {
            throw new InvalidOperationException(message);
        }
    }

    /// <summary>A page version: AllocCount and data (null = zero page).</summary>
    public sealed record PageModel(uint AllocCount, byte[]? Data);

    /// <summary>A node version: counts and 32 keys in disk form.</summary>
    public sealed class NodeModel
    {
        public uint AllocCount { get; init; }
        public uint CallCount { get; init; }
        public Key[] Slots { get; } = new Key[global::CapOS.Kernel.NodeTree.Node.SlotCount];

        public NodeModel With(int slot, Key key)
        {
            Slots[slot] = key;
            return this;
        }
    }
}
