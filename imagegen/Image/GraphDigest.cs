using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using CapOS.ImageGen.Description;
using CapOS.Kernel.DiskFormat;
using CapOS.Kernel.NodeTree;

namespace CapOS.ImageGen.Image;

/// <summary>
/// The graph digest (docs/imagegen.md "The graph digest"; the kernel computes the same walk independently,
/// docs/object-cache.md): breadth-first from a root node over the objects as recovery sees them, a record
/// per object appended to a byte stream, FNV-1a 64 over the stream.
/// </summary>
/// <remarks>
/// Records: node = 0x4E, Oid u64 LE, AllocCount u32 LE, CallCount u32 LE, 32 slots x 16 disk-key bytes;
/// page = 0x50, Oid u64 LE, AllocCount u32 LE, 4096 bytes. An object is marked seen when enqueued. For a
/// node, slots 0..31 in order: an object or gate key whose target is unseen and whose AllocCount equals the
/// target's (resume keys are not compared: they carry a CallCount) enqueues (TargetType, OID). A key whose
/// target no object range of the right kind holds is not followed either.
/// </remarks>
internal static unsafe class GraphDigest
{
    public const byte NodeRecord = 0x4E;

    public const byte PageRecord = 0x50;

    /// <summary>Walks from <paramref name="root"/> (a node OID); null when the image cannot be read or the root is no node.</summary>
    public static DigestResult? Compute(VolumeImage image, Oid root)
    {
        if (image.Refused || image.Node(root, out _) is null)
        {
            return null;
        }

        ulong hash = Fnv1a.OffsetBasis;
        int nodes = 0;
        int pages = 0;
        var queue = new Queue<(ObType Type, Oid Oid)>();
        var seen = new HashSet<ulong> { root.Value };
        queue.Enqueue((ObType.Node, root));
        Span<byte> head = stackalloc byte[1 + 8 + 4 + 4];
        while (queue.Count > 0)
        {
            (ObType type, Oid oid) = queue.Dequeue();
            head[0] = type == ObType.Node ? NodeRecord : PageRecord;
            BinaryPrimitives.WriteUInt64LittleEndian(head[1..], oid.Value);
            if (type == ObType.Page)
            {
                image.TryPage(oid, out uint allocCount, out byte* content, out _);
                BinaryPrimitives.WriteUInt32LittleEndian(head[9..], allocCount);
                hash = Fnv1a.Append(hash, head[..13]);
                hash = content is null ? AppendZeros(hash, DiskLayout.PageSize) : Fnv1a.Append(hash, new ReadOnlySpan<byte>(content, DiskLayout.PageSize));
                pages++;
                continue;
            }

            DiskNode* node = image.Node(oid, out _);
            BinaryPrimitives.WriteUInt32LittleEndian(head[9..], node->AllocCount);
            BinaryPrimitives.WriteUInt32LittleEndian(head[13..], node->CallCount);
            hash = Fnv1a.Append(hash, head);
            hash = Fnv1a.Append(hash, new ReadOnlySpan<byte>(DiskNode.Slot(node, 0), DiskNode.SlotCount * DiskKey.Size));
            nodes++;
            for (int s = 0; s < DiskNode.SlotCount; s++)
            {
                Follow(image, DiskNode.Slot(node, s), seen, queue);
            }
        }

        return new DigestResult(root, nodes, pages, hash);
    }

    private static void Follow(VolumeImage image, DiskKey* key, HashSet<ulong> seen, Queue<(ObType, Oid)> queue)
    {
        if (!KeyTypes.IsObject(key->Type) || seen.Contains(key->Oid.Value))
        {
            return;
        }

        ObType target = KeyTypes.TargetType(key->Type);
        uint current;
        if (target == ObType.Page)
        {
            if (!image.TryPage(key->Oid, out current, out _, out _))
            {
                return;
            }
        }
        else
        {
            DiskNode* node = image.Node(key->Oid, out _);
            if (node is null)
            {
                return;
            }

            current = node->AllocCount;
        }

        if (key->Type != KeyType.Resume && key->AllocCount != current)
        {
            return;
        }

        seen.Add(key->Oid.Value);
        queue.Enqueue((target, key->Oid));
    }

    private static ulong AppendZeros(ulong hash, int count)
    {
        for (int i = 0; i < count; i++)
        {
            hash *= Fnv1a.Prime;
        }

        return hash;
    }
}

/// <summary>The outcome of a walk.</summary>
internal readonly record struct DigestResult(Oid Root, int Nodes, int Pages, ulong Digest)
{
    /// <summary>The line `imagegen digest` prints.</summary>
    public override string ToString() => $"digest: root=0x{Root.Value:x} nodes={Nodes} pages={Pages} digest={Digest:x16}";
}
