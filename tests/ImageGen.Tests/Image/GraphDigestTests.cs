using System;
using System.Collections.Generic;
using CapOS.ImageGen.Image;
using CapOS.Kernel.NodeTree;
using Xunit;

namespace CapOS.ImageGen.Tests.Image;

/// <summary>The digest of a tiny graph, with the byte stream written out by hand from the definition.</summary>
public sealed class GraphDigestTests
{
    private const string Tiny = """
        volume d
        log-objects 2          # r and p in the log, the rest at home
        root r
        node r alloc 2 call 5
          slot 0 = page p
          slot 1 = node n ro
          slot 2 = node m alloc 9   # stale (m has 0): not followed, m is unreachable
          slot 3 = resume r         # the root: already seen
          slot 31 = number 0x1 0x2 0x3
        page p fill 0x11
        node n
          slot 0 = page p           # already seen
          slot 1 = page q
        node m
        page q zero
        """;

    [Fact]
    public void TinyGraphDigestMatchesTheDefinition()
    {
        // OIDs: r 0x1000, n 0x1001, m 0x1002; p 0x100000, q 0x100001. Breadth-first: r, p, n, q.
        var stream = new List<byte>();
        Node(stream, 0x1000, 2, 5, new Dictionary<int, byte[]>
        {
            [0] = Key(0x100000, 0, 8, 0),
            [1] = Key(0x1001, 0, 9, 0x01),
            [2] = Key(0x1002, 9, 9, 0),
            [3] = Key(0x1000, 5, 2, 0),
            [31] = Key(0x0000000200000001, 3, 32, 0),
        });
        Page(stream, 0x100000, 0, 0x11);
        Node(stream, 0x1001, 0, 0, new Dictionary<int, byte[]> { [0] = Key(0x100000, 0, 8, 0), [1] = Key(0x100001, 0, 8, 0) });
        Page(stream, 0x100001, 0, 0x00);
        ulong expected = 0xcbf29ce484222325;
        foreach (byte b in stream)
        {
            expected = (expected ^ b) * 0x100000001b3;
        }

        DigestResult? result = GraphDigest.Compute(VolumeImage.Open(TestImages.Build(Tiny)), new Oid(0x1000));
        Assert.Equal(new DigestResult(new Oid(0x1000), 2, 2, expected), result);
    }

    [Fact]
    public void DigestDoesNotDependOnWhereObjectsAre()
    {
        // The same graph entirely at home and entirely in the log: recovery sees the same objects.
        string home = Tiny.Replace("log-objects 2 ", "log-objects none", System.StringComparison.Ordinal);
        string log = Tiny.Replace("log-objects 2 ", "log-objects all ", System.StringComparison.Ordinal);
        DigestResult? a = GraphDigest.Compute(VolumeImage.Open(TestImages.Build(home)), new Oid(0x1000));
        DigestResult? b = GraphDigest.Compute(VolumeImage.Open(TestImages.Build(log)), new Oid(0x1000));
        DigestResult? c = GraphDigest.Compute(VolumeImage.Open(TestImages.Build(Tiny)), new Oid(0x1000));
        Assert.NotNull(a);
        Assert.Equal(a, b);
        Assert.Equal(a, c);
    }

    [Fact]
    public void RootThatIsNoNodeGivesNoDigest()
    {
        VolumeImage image = VolumeImage.Open(TestImages.Build(Tiny));
        Assert.Null(GraphDigest.Compute(image, new Oid(0x100000)));
        Assert.Null(GraphDigest.Compute(image, new Oid(0x7777)));
    }

    [Fact]
    public void DigestLineFormat() =>
        Assert.Equal("digest: root=0x1000 nodes=2 pages=3 digest=00000000000000ff", new DigestResult(new Oid(0x1000), 2, 3, 0xff).ToString());

    private static byte[] Key(ulong oid, uint count, byte type, byte rights)
    {
        var key = new byte[16];
        System.BitConverter.TryWriteBytes(key.AsSpan(0, 8), oid);
        System.BitConverter.TryWriteBytes(key.AsSpan(8, 4), count);
        key[12] = type;
        key[13] = rights;
        return key;
    }

    private static void Node(List<byte> stream, ulong oid, uint allocCount, uint callCount, Dictionary<int, byte[]> slots)
    {
        stream.Add(0x4E);
        stream.AddRange(System.BitConverter.GetBytes(oid));
        stream.AddRange(System.BitConverter.GetBytes(allocCount));
        stream.AddRange(System.BitConverter.GetBytes(callCount));
        for (int s = 0; s < 32; s++)
        {
            stream.AddRange(slots.TryGetValue(s, out byte[]? key) ? key : new byte[16]);
        }
    }

    private static void Page(List<byte> stream, ulong oid, uint allocCount, byte fill)
    {
        stream.Add(0x50);
        stream.AddRange(System.BitConverter.GetBytes(oid));
        stream.AddRange(System.BitConverter.GetBytes(allocCount));
        for (int i = 0; i < 4096; i++)
        {
            stream.Add(fill);
        }
    }
}
