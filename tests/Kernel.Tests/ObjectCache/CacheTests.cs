using System;
using System.Collections.Generic;
using CapOS.Kernel.Checkpoint;
using CapOS.Kernel.DiskFormat;
using CapOS.Kernel.Host;
using CapOS.Kernel.NodeTree;
using CapOS.Kernel.ObjectCache;
using CapOS.Kernel.Tests.Checkpoint;
using Xunit;

namespace CapOS.Kernel.Tests.ObjectCache;

public sealed unsafe class CacheTests
{
    private const int PageSize = DiskLayout.PageSize;

    private static byte[] Pattern(int seed)
    {
        var data = new byte[PageSize];
        new Random(seed).NextBytes(data);
        return data;
    }

    private static void Boot(VolumeBuilder builder, uint pages = 8, uint nodes = 8) => Boot(builder.Build(), pages, nodes);

    private static void Boot(byte[] image, uint pages = 8, uint nodes = 8) =>
        Assert.Equal(RecoveryFault.None, TestStore.Recover(image, pages, nodes).Fault);

    private static byte[] Content(ObjectHeader* frame) => new Span<byte>(Cache.PageData(frame), PageSize).ToArray();

    [Fact]
    public void MissLoadsFromHomeThenHits()
    {
        using SimulatedMachine machine = TestStore.Machine();
        var builder = new VolumeBuilder();
        builder.Page(builder.PageOid(5), Pattern(5), 2);
        Boot(builder);
        Assert.Equal(CacheResult.Ok, Cache.GetPage(builder.PageOid(5), out ObjectHeader* first));
        Assert.Equal(CacheResult.Ok, Cache.GetPage(builder.PageOid(5), out ObjectHeader* second));
        Assert.True(first == second);
        Assert.Equal(Pattern(5), Content(first));
        Assert.Equal(2u, first->AllocCount);
        Assert.Equal(VolumeBuilder.Crc(Pattern(5)), first->Crc);
        CacheStatistics stats = Cache.Statistics;
        Assert.Equal((1ul, 1ul, 1ul, 0ul, 1ul), (stats.Faults, stats.Hits, stats.LoadsFromHome, stats.LoadsFromLog, stats.TagPotLoads));
    }

    [Fact]
    public void LoggedVersionWinsOverHome()
    {
        using SimulatedMachine machine = TestStore.Machine();
        var builder = new VolumeBuilder();
        builder.Page(builder.PageOid(3), Pattern(1), 1).LogPage(builder.PageOid(3), Pattern(2), 6);
        builder.Node(builder.NodeOid(8), new VolumeBuilder.NodeModel { AllocCount = 1 });
        builder.LogNode(builder.NodeOid(8), new VolumeBuilder.NodeModel { AllocCount = 2, CallCount = 9 }.With(4, Key.Number(1, 2, 3)));
        Boot(builder);
        Assert.Equal(CacheResult.Ok, Cache.GetPage(builder.PageOid(3), out ObjectHeader* page));
        Assert.Equal(Pattern(2), Content(page));
        Assert.Equal(6u, page->AllocCount);
        Assert.Equal(CacheResult.Ok, Cache.GetNode(builder.NodeOid(8), out ObjectHeader* node));
        Assert.Equal(2u, node->AllocCount);
        Assert.Equal(9u, Cache.NodeBody(node)->CallCount);
        Assert.Equal(3u, Node.Slot(Cache.NodeBody(node), 4)->Word(2));
        Assert.Equal(2ul, Cache.Statistics.LoadsFromLog);
        Assert.Equal(0ul, Cache.Statistics.LoadsFromHome);
    }

    [Fact]
    public void NodeFromHomeCarriesItsKeysAndCounts()
    {
        using SimulatedMachine machine = TestStore.Machine();
        var builder = new VolumeBuilder();
        Key pageKey = Key.Object(KeyType.Page, builder.PageOid(1), 0, KeyRights.ReadOnly, 0);
        builder.Node(builder.NodeOid(13), new VolumeBuilder.NodeModel { AllocCount = 4, CallCount = 5 }.With(31, pageKey));
        Boot(builder);
        Assert.Equal(CacheResult.Ok, Cache.GetNode(builder.NodeOid(13), out ObjectHeader* node));
        Key* slot = Node.Slot(Cache.NodeBody(node), 31);
        Assert.Equal((KeyType.Page, builder.PageOid(1).Value, KeyRights.ReadOnly), (slot->Type, slot->Oid.Value, slot->Rights));
        Assert.Equal((4u, 5u), (node->AllocCount, Cache.NodeBody(node)->CallCount));
        Assert.Equal(1ul, Cache.Statistics.LoadsFromHome);
    }

    [Fact]
    public void ZeroPagesAreFilledWithoutReadingTheirDataPage()
    {
        using SimulatedMachine machine = TestStore.Machine();
        var builder = new VolumeBuilder();
        builder.Page(builder.PageOid(7), null, 3).Page(builder.PageOid(8), Pattern(8)).LogPage(builder.PageOid(8), null, 1);
        byte[] image = builder.Build();
        Array.Fill(image, (byte)0xEE, (int)(builder.HomePageOf(builder.PageOid(7)) * PageSize), PageSize);
        Boot(image);
        Assert.Equal(CacheResult.Ok, Cache.GetPage(builder.PageOid(7), out ObjectHeader* home));
        Assert.Equal(new byte[PageSize], Content(home));
        Assert.Equal((3u, DiskLayout.ZeroPageCrc), (home->AllocCount, home->Crc));
        Assert.Equal(CacheResult.Ok, Cache.GetPage(builder.PageOid(8), out ObjectHeader* logged));
        Assert.Equal(new byte[PageSize], Content(logged));
        Assert.Equal(1ul, Cache.Statistics.PagesRead);
    }

    [Fact]
    public void UnknownOidAndWrongKindAreFaults()
    {
        using SimulatedMachine machine = TestStore.Machine();
        var builder = new VolumeBuilder();
        Boot(builder);
        Assert.Equal(CacheResult.UnknownOid, Cache.GetPage(new Oid(5), out _));
        Assert.Equal(CacheResult.WrongObjectKind, Cache.GetPage(builder.NodeOid(1), out _));
        Assert.Equal(CacheResult.Ok, Cache.GetNode(builder.NodeOid(1), out _));
        Assert.Equal(CacheResult.WrongObjectKind, Cache.GetPage(builder.NodeOid(1), out _));
    }

    [Fact]
    public void DamagedLogImageIsDetectedAtFaultTime()
    {
        using SimulatedMachine machine = TestStore.Machine();
        var builder = new VolumeBuilder();
        builder.LogPage(builder.PageOid(1), Pattern(1)).LogPage(builder.PageOid(2), Pattern(2));
        builder.LogNode(builder.NodeOid(1), new VolumeBuilder.NodeModel { AllocCount = 1 });
        byte[] image = builder.Build();
        Boot(image); // recovery verified every image (Recovery I2); the damage comes after it
        byte[] disk = SimulatedDisk.Current!.Image;
        disk[(builder.DiskPageOfLid(builder.LidOf(builder.PageOid(1), ObType.Page)!.Value) * PageSize) + 999] ^= 4;
        disk[(builder.DiskPageOfLid(builder.LidOf(builder.NodeOid(1), ObType.Node)!.Value) * PageSize) + 3000] ^= 4;
        Assert.Equal(CacheResult.LogImageCorrupt, Cache.GetPage(builder.PageOid(1), out ObjectHeader* bad));
        Assert.True(bad == null);
        Assert.True(Cache.Lookup(builder.PageOid(1)) == null);
        Assert.Equal(CacheResult.LogImageCorrupt, Cache.GetNode(builder.NodeOid(1), out _));
        Assert.Equal(CacheResult.Ok, Cache.GetPage(builder.PageOid(2), out ObjectHeader* good));
        Assert.Equal(Pattern(2), Content(good));
    }

    [Fact]
    public void DamagedHomeObjectsAreDetected()
    {
        using SimulatedMachine machine = TestStore.Machine();
        var builder = new VolumeBuilder();
        builder.Page(builder.PageOid(1), Pattern(1)).Page(builder.PageOid(400 - 1), Pattern(9));
        builder.Node(builder.NodeOid(1), new VolumeBuilder.NodeModel { AllocCount = 1 });
        byte[] image = builder.Build();
        image[(builder.HomePageOf(builder.PageOid(1)) * PageSize) + 17] ^= 1;
        image[(builder.HomePageOf(builder.NodeOid(1)) * PageSize) + 2000] ^= 1;
        image[(builder.TagPotPageOf(builder.PageOid(400 - 1)) * PageSize) + 100] ^= 1;
        Boot(image);
        Assert.Equal(CacheResult.HomePageCorrupt, Cache.GetPage(builder.PageOid(1), out _));
        Assert.Equal(CacheResult.PotInvalid, Cache.GetNode(builder.NodeOid(1), out _));
        Assert.Equal(FormatError.NodePotBadCrc, Cache.LastFormatError);
        Assert.Equal(CacheResult.PotInvalid, Cache.GetPage(builder.PageOid(400 - 1), out _));
        Assert.Equal(FormatError.TagPotBadCrc, Cache.LastFormatError);
    }

    [Fact]
    public void EvictionUnderPressureReloadsIdenticalContent()
    {
        using SimulatedMachine machine = TestStore.Machine();
        var builder = new VolumeBuilder();
        for (ulong i = 0; i < 40; i++)
        {
            builder.Page(builder.PageOid(i), i % 5 == 0 ? null : Pattern((int)i), (uint)i);
            if (i % 3 == 0)
            {
                builder.LogPage(builder.PageOid(i), Pattern(1000 + (int)i), (uint)i + 1);
            }
        }

        Boot(builder, pages: 4);
        uint[] crcs = new uint[40];
        for (int round = 0; round < 3; round++)
        {
            for (ulong i = 0; i < 40; i++)
            {
                Assert.Equal(CacheResult.Ok, Cache.GetPage(builder.PageOid(i), out ObjectHeader* frame));
                uint crc = Cache.ComputeCrc(frame);
                Assert.Equal(frame->Crc, crc);
                Assert.Equal(builder.PageAt(builder.PageOid(i)).Data ?? new byte[PageSize], Content(frame));
                Assert.Equal(builder.PageAt(builder.PageOid(i)).AllocCount, frame->AllocCount);
                Assert.True(round == 0 || crcs[i] == crc);
                crcs[i] = crc;
            }
        }

        Assert.True(Cache.Statistics.Evictions >= 100);
        Assert.Equal(120ul, Cache.Statistics.Faults + Cache.Statistics.Hits);
    }

    [Fact]
    public void DirtyObjectsAreNeverEvictedAndAFullCacheSaysSo()
    {
        using SimulatedMachine machine = TestStore.Machine();
        var builder = new VolumeBuilder();
        Boot(builder, pages: 4);
        var dirty = new ObjectHeader*[3];
        for (int i = 0; i < 3; i++)
        {
            Assert.Equal(CacheResult.Ok, Cache.GetPage(builder.PageOid((ulong)i), out dirty[i]));
            Assert.True(Cache.MarkDirty(dirty[i]));
            Cache.PageData(dirty[i])[0] = (byte)(i + 1);
        }

        for (ulong i = 10; i < 30; i++)
        {
            Assert.Equal(CacheResult.Ok, Cache.GetPage(builder.PageOid(i), out _));
        }

        for (int i = 0; i < 3; i++)
        {
            Assert.True(Cache.Lookup(builder.PageOid((ulong)i)) == dirty[i]);
            Assert.Equal(i + 1, Cache.PageData(dirty[i])[0]);
        }

        Assert.Equal(3u, Cache.DirtyCount);
        Assert.Equal(CacheResult.Ok, Cache.GetPage(builder.PageOid(3), out ObjectHeader* last));
        Cache.Pin(last);
        Assert.Equal(CacheResult.CacheFullOfDirty, Cache.GetPage(builder.PageOid(50), out _));
        Cache.Unpin(last);
        Assert.Equal(CacheResult.Ok, Cache.GetPage(builder.PageOid(50), out _));
        Assert.True(Cache.MarkDirty(Cache.Lookup(builder.PageOid(50))));
        Assert.Equal(CacheResult.CacheFullOfDirty, Cache.GetPage(builder.PageOid(51), out _));
        Assert.False(Cache.Evict(dirty[0]));
    }

    [Fact]
    public void DirtyingAsksForAReservationAndListsDirtyObjects()
    {
        using SimulatedMachine machine = TestStore.Machine();
        var builder = new VolumeBuilder();
        Boot(builder);
        Cache.DirtyLimit = 2;
        ObjectHeader*[] frames = new ObjectHeader*[3];
        for (int i = 0; i < 3; i++)
        {
            Assert.Equal(CacheResult.Ok, Cache.GetPage(builder.PageOid((ulong)i), out frames[i]));
        }

        Assert.True(Cache.MarkDirty(frames[2]));
        Assert.True(Cache.MarkDirty(frames[0]));
        Assert.True(Cache.MarkDirty(frames[0]));
        Assert.False(Cache.MarkDirty(frames[1]));
        Assert.False(frames[1]->IsDirty);
        Assert.True(Cache.NextDirty(null) == frames[0]);
        Assert.True(Cache.NextDirty(frames[0]) == frames[2]);
        Assert.True(Cache.NextDirty(frames[2]) == null);
        Cache.PageData(frames[0])[5] = 0x77;
        Cache.MarkClean(frames[0]);
        Assert.Equal(Cache.ComputeCrc(frames[0]), frames[0]->Crc);
        Assert.True(Cache.MarkDirty(frames[1]));
        Assert.Equal(2u, Cache.DirtyCount);
    }

    /// <summary>
    /// I11: under a seeded mix of faults, evictions, dirtying, freezing, releasing and unfreezing over
    /// more than one bitmap word, the used, dirty and pending bitmaps agree with every header, and
    /// NextDirty / NextPending / NextUsed enumerate exactly what a scan of the table finds.
    /// </summary>
    [Fact]
    public void BitmapsFollowEveryHeaderChange()
    {
        using SimulatedMachine machine = TestStore.Machine();
        var builder = new VolumeBuilder();
        Boot(builder, pages: 150, nodes: 70);
        var random = new Random(11);
        uint total = Cache.PageFrameCount + Cache.NodeFrameCount;
        for (int step = 0; step < 3000; step++)
        {
            bool page = random.Next(4) != 0;
            ulong oid = page ? builder.PageOid((ulong)random.Next(400)).Value : builder.NodeOid((ulong)random.Next(100)).Value;
            if (Cache.Get(page ? ObType.Page : ObType.Node, new Oid(oid), out ObjectHeader* frame) != CacheResult.Ok)
            {
                ReleaseAll(random.Next(2) == 0);
                continue;
            }

            switch (random.Next(6))
            {
                case 0:
                case 1:
                    Cache.MarkDirty(frame);
                    break;
                case 2:
                    Cache.Freeze(frame, 0);
                    break;
                case 3 when random.Next(40) == 0:
                    ReleaseAll(random.Next(2) == 0);
                    break;
            }

            Assert.Equal(0u, Cache.CheckBitmaps());
        }

        AssertEnumerations(total);
    }

    private static void ReleaseAll(bool commit)
    {
        for (ObjectHeader* frame = Cache.NextPending(null); frame != null; frame = Cache.NextPending(frame))
        {
            if (commit)
            {
                Cache.ReleasePending(frame);
            }
            else
            {
                Cache.Unfreeze(frame);
            }
        }

        for (ObjectHeader* frame = Cache.NextDirty(null); frame != null && commit; frame = Cache.NextDirty(frame))
        {
            Cache.MarkClean(frame);
        }
    }

    private static void AssertEnumerations(uint total)
    {
        var (used, dirty, pending) = (new List<uint>(), new List<uint>(), new List<uint>());
        for (uint i = 0; i < total; i++)
        {
            ObjectHeader* h = Cache.Header(i);
            if (!h->IsFree) used.Add(i);
            if (h->IsDirty) dirty.Add(i);
            if (h->IsPending) pending.Add(i);
        }

        Assert.True(dirty.Count > 0 && used.Count > 64, $"used {used.Count} dirty {dirty.Count}");
        Assert.Equal(used, Walk(&Cache.NextUsed));
        Assert.Equal(dirty, Walk(&Cache.NextDirty));
        Assert.Equal(pending, Walk(&Cache.NextPending));
    }

    private static List<uint> Walk(delegate*<ObjectHeader*, ObjectHeader*> next)
    {
        var found = new List<uint>();
        for (ObjectHeader* frame = next(null); frame != null; frame = next(frame))
        {
            found.Add(frame->Index);
        }

        return found;
    }
}
