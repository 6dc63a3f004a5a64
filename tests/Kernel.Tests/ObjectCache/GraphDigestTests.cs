using System;
using System.Collections.Generic;
using System.Runtime.InteropServices;
using CapOS.Kernel.Checkpoint;
using CapOS.Kernel.NodeTree;
using CapOS.Kernel.ObjectCache;
using CapOS.Kernel.Tests.Checkpoint;
using Xunit;

namespace CapOS.Kernel.Tests.ObjectCache;

public sealed unsafe class GraphDigestTests
{
    private const ulong WalkMemoryAt = 0x1000000;
    private const ulong WalkMemoryBytes = 256 * 1024;

    /// <summary>
    /// A seeded random graph: nodes link nodes (node, segment, start, resume, process keys) and pages;
    /// some keys carry a stale AllocCount (void), some objects are only in the log, some pages are zero.
    /// </summary>
    private static VolumeBuilder RandomGraph(int seed, int nodes, int pages)
    {
        var random = new Random(seed);
        var builder = new VolumeBuilder(pageOids: 700, nodeOids: 200, logPages: 400);
        for (int p = 0; p < pages; p++)
        {
            byte[]? data = p % 7 == 3 ? null : Bytes(random);
            builder.Page(builder.PageOid((ulong)p), data, (uint)random.Next(4));
            if (p % 4 == 1)
            {
                builder.LogPage(builder.PageOid((ulong)p), p % 8 == 1 ? null : Bytes(random), (uint)random.Next(4));
            }
        }

        var models = new VolumeBuilder.NodeModel[nodes];
        for (int n = 0; n < nodes; n++)
        {
            models[n] = new VolumeBuilder.NodeModel { AllocCount = (uint)random.Next(3), CallCount = (uint)random.Next(3) };
        }

        for (int n = 0; n < nodes; n++)
        {
            for (int s = 0; s < 32; s++)
            {
                models[n].Slots[s] = RandomKey(random, builder, models, n, pages, s);
            }

            if (n % 5 == 2)
            {
                builder.LogNode(builder.NodeOid((ulong)n), models[n]);
                builder.Node(builder.NodeOid((ulong)n), new VolumeBuilder.NodeModel { AllocCount = 9 });
            }
            else
            {
                builder.Node(builder.NodeOid((ulong)n), models[n]);
            }
        }

        return builder;
    }

    private static Key RandomKey(Random random, VolumeBuilder builder, VolumeBuilder.NodeModel[] nodes, int self, int pages, int slot)
    {
        int choice = random.Next(10);
        int target = slot < 2 ? Math.Min(self * 2 + slot + 1, nodes.Length - 1) : random.Next(nodes.Length);
        uint stale = random.Next(6) == 0 ? 1u : 0u;
        return choice switch
        {
            0 or 1 => Key.Void,
            2 => Key.Number((uint)random.Next(), 7, 8),
            3 or 4 => Key.Object(KeyType.Page, builder.PageOid((ulong)random.Next(pages)), (stale == 0 ? uint.MaxValue : 0), KeyRights.None, 0),
            5 => Key.Object(KeyType.Resume, builder.NodeOid((ulong)target), nodes[target].CallCount + stale, KeyRights.None, 0),
            6 => Key.Object(KeyType.Start, builder.NodeOid((ulong)target), nodes[target].AllocCount + stale, KeyRights.None, 3),
            7 => Key.Object(KeyType.Segment, builder.NodeOid((ulong)target), nodes[target].AllocCount + stale, KeyRights.Weak, 12),
            _ => Key.Object(KeyType.Node, builder.NodeOid((ulong)target), nodes[target].AllocCount + stale, KeyRights.None, 0),
        };
    }

    private static byte[] Bytes(Random random)
    {
        var data = new byte[4096];
        random.NextBytes(data);
        return data;
    }

    /// <summary>Fixes page keys' counts from the final model (page keys were drawn before the counts were known).</summary>
    private static void FixPageKeys(VolumeBuilder builder, int nodes)
    {
        for (int n = 0; n < nodes; n++)
        {
            VolumeBuilder.NodeModel model = builder.NodeAt(builder.NodeOid((ulong)n));
            for (int s = 0; s < 32; s++)
            {
                Key key = model.Slots[s];
                if (key.Type == KeyType.Page)
                {
                    uint actual = builder.PageAt(key.Oid).AllocCount;
                    model.Slots[s] = Key.Object(KeyType.Page, key.Oid, key.AllocCount == uint.MaxValue ? actual : actual + 1, KeyRights.None, 0);
                }
            }
        }
    }

    /// <summary>The digest computed from the builder's model alone (docs/object-cache.md "Graph digest").</summary>
    private static (ulong Digest, ulong Nodes, ulong Pages) ModelDigest(VolumeBuilder builder, Oid root)
    {
        ulong hash = 0xcbf29ce484222325UL;
        var seen = new HashSet<ulong> { root.Value };
        var queue = new Queue<(bool IsNode, Oid Oid)>();
        queue.Enqueue((true, root));
        ulong nodes = 0, pages = 0;
        while (queue.TryDequeue(out var item))
        {
            var stream = new List<byte>();
            if (!item.IsNode)
            {
                VolumeBuilder.PageModel page = builder.PageAt(item.Oid);
                stream.Add((byte)'P');
                stream.AddRange(BitConverter.GetBytes(item.Oid.Value));
                stream.AddRange(BitConverter.GetBytes(page.AllocCount));
                stream.AddRange(page.Data ?? new byte[4096]);
                pages++;
            }
            else
            {
                VolumeBuilder.NodeModel node = builder.NodeAt(item.Oid);
                stream.Add((byte)'N');
                stream.AddRange(BitConverter.GetBytes(item.Oid.Value));
                stream.AddRange(BitConverter.GetBytes(node.AllocCount));
                stream.AddRange(BitConverter.GetBytes(node.CallCount));
                stream.AddRange(MemoryMarshal.AsBytes(node.Slots.AsSpan()).ToArray());
                nodes++;
                foreach (Key key in node.Slots)
                {
                    bool isObject = key.Type is KeyType.Start or KeyType.Resume or KeyType.Page or KeyType.Node or KeyType.Segment or KeyType.Process;
                    if (!isObject || seen.Contains(key.Oid.Value))
                    {
                        continue;
                    }

                    bool isPage = key.Type == KeyType.Page;
                    uint count = isPage ? builder.PageAt(key.Oid).AllocCount : builder.NodeAt(key.Oid).AllocCount;
                    if (key.Type == KeyType.Resume || key.AllocCount == count)
                    {
                        seen.Add(key.Oid.Value);
                        queue.Enqueue((!isPage, key.Oid));
                    }
                }
            }

            foreach (byte b in stream)
            {
                hash = (hash ^ b) * 0x100000001b3UL;
            }
        }

        return (hash, nodes, pages);
    }

    [Theory]
    [InlineData(1, 60, 150)]
    [InlineData(2, 120, 300)]
    public void WalkOfAGraphLargerThanTheCacheMatchesTheModelDigest(int seed, int nodes, int pages)
    {
        using var machine = TestStore.Machine();
        VolumeBuilder builder = RandomGraph(seed, nodes, pages);
        FixPageKeys(builder, nodes);
        Assert.Equal(RecoveryFault.None, TestStore.Recover(builder.Build(), 6, 5).Fault);
        Oid root = builder.NodeOid(0);
        var expected = ModelDigest(builder, root);
        Assert.Equal(WalkStatus.Ok, GraphDigest.Walk(root, machine.MemoryBase + WalkMemoryAt, WalkMemoryBytes, out WalkResult result));
        Assert.Equal(expected, (result.Digest, result.Nodes, result.Pages));
        Assert.True(result.Nodes > 10 && result.Pages > 20, $"graph too small: {result.Nodes} nodes, {result.Pages} pages");
        Assert.True(result.Evictions > 0);
        Assert.True(result.Faults >= result.Nodes + result.Pages);
        Assert.True(Cache.Statistics.LoadsFromLog > 0 && Cache.Statistics.LoadsFromHome > 0);
        Assert.Equal(0u, Cache.CheckRings());

        Assert.Equal(WalkStatus.Ok, GraphDigest.Walk(root, machine.MemoryBase + WalkMemoryAt, WalkMemoryBytes, out WalkResult again));
        Assert.Equal(result.Digest, again.Digest);
    }

    [Fact]
    public void DigestOfATinyGraphByHand()
    {
        using var machine = TestStore.Machine();
        var builder = new VolumeBuilder();
        Oid root = builder.NodeOid(0);
        builder.Page(builder.PageOid(0), null, 2);
        builder.Node(root, new VolumeBuilder.NodeModel { AllocCount = 1, CallCount = 3 }
            .With(0, Key.Object(KeyType.Page, builder.PageOid(0), 2, KeyRights.None, 0))
            .With(1, Key.Object(KeyType.Node, builder.NodeOid(1), 5, KeyRights.None, 0)));
        Assert.Equal(RecoveryFault.None, TestStore.Recover(builder.Build(), 4, 4).Fault);
        Assert.Equal(WalkStatus.Ok, GraphDigest.Walk(root, machine.MemoryBase + WalkMemoryAt, WalkMemoryBytes, out WalkResult result));
        var stream = new List<byte> { (byte)'N' };
        stream.AddRange(BitConverter.GetBytes(root.Value));
        stream.AddRange([1, 0, 0, 0, 3, 0, 0, 0]);
        stream.AddRange(BitConverter.GetBytes(builder.PageOid(0).Value));
        stream.AddRange([2, 0, 0, 0, 8, 0, 0, 0]);
        stream.AddRange(BitConverter.GetBytes(builder.NodeOid(1).Value));
        stream.AddRange([5, 0, 0, 0, 9, 0, 0, 0]);
        stream.AddRange(new byte[30 * 16]);
        stream.Add((byte)'P');
        stream.AddRange(BitConverter.GetBytes(builder.PageOid(0).Value));
        stream.AddRange([2, 0, 0, 0]);
        stream.AddRange(new byte[4096]);
        ulong hash = 0xcbf29ce484222325UL;
        foreach (byte b in stream)
        {
            hash = (hash ^ b) * 0x100000001b3UL;
        }

        Assert.Equal((hash, 1ul, 1ul), (result.Digest, result.Nodes, result.Pages));
        GraphDigest.Report(root, &result);
        Assert.EndsWith($"walk: root=0x100000 nodes=1 pages=1 digest={hash:x16} faults={result.Faults} evictions=0\n", machine.ConsoleText);
    }

    [Fact]
    public void WalkReportsAFaultingObject()
    {
        using var machine = TestStore.Machine();
        var builder = new VolumeBuilder();
        Oid root = builder.NodeOid(0);
        builder.Page(builder.PageOid(0), new byte[4096], 0);
        builder.Node(root, new VolumeBuilder.NodeModel().With(0, Key.Object(KeyType.Page, builder.PageOid(0), 0, KeyRights.None, 0)));
        byte[] image = builder.Build();
        image[(builder.HomePageOf(builder.PageOid(0)) * 4096) + 5] = 1;
        Assert.Equal(RecoveryFault.None, TestStore.Recover(image, 4, 4).Fault);
        Assert.Equal(WalkStatus.ObjectFault, GraphDigest.Walk(root, machine.MemoryBase + WalkMemoryAt, WalkMemoryBytes, out WalkResult result));
        Assert.Equal((CacheResult.HomePageCorrupt, builder.PageOid(0).Value), (result.Fault, result.FailedOid.Value));
        GraphDigest.Report(root, &result);
        Assert.EndsWith("walk: root=0x100000 failed: home data page CRC mismatch at oid=0x1000\n", machine.ConsoleText);
    }

    [Fact]
    public void WalkWithTooLittleMemorySaysSo()
    {
        using var machine = TestStore.Machine();
        VolumeBuilder builder = RandomGraph(3, 60, 150);
        FixPageKeys(builder, 60);
        Assert.Equal(RecoveryFault.None, TestStore.Recover(builder.Build(), 6, 5).Fault);
        Assert.Equal(WalkStatus.OutOfMemory, GraphDigest.Walk(builder.NodeOid(0), machine.MemoryBase + WalkMemoryAt, 256, out _));
    }
}
