using System;
using System.Collections.Generic;
using System.Linq;
using CapOS.Kernel.DiskFormat;
using CapOS.Kernel.NodeTree;

namespace CapOS.Kernel.Tests.Checkpoint;

/// <summary>
/// What the objects of <see cref="CheckpointTestVolume"/> hold, as the tests believe: page
/// AllocCounts and contents (null = zero page) and node bytes. Random mutations mark objects dirty.
/// </summary>
internal sealed class WriterTestModel
{
    public WriterTestModel()
    {
        for (ulong i = 0; i < CheckpointTestVolume.NodeOids; i++)
        {
            byte[] node = new byte[DiskNode.Size];
            BitConverter.TryWriteBytes(node, CheckpointTestVolume.NodeFirstOid + i);
            Nodes[CheckpointTestVolume.NodeFirstOid + i] = node;
        }
    }

    public Dictionary<ulong, uint> PageAlloc { get; } = [];

    public Dictionary<ulong, byte[]> PageData { get; } = [];

    public Dictionary<ulong, byte[]> Nodes { get; } = [];

    public SortedSet<ulong> DirtyPages { get; } = [];

    public SortedSet<ulong> DirtyNodes { get; } = [];

    public WriterTestModel Clone()
    {
        var copy = new WriterTestModel();
        foreach (var (oid, alloc) in PageAlloc)
        {
            copy.PageAlloc[oid] = alloc;
        }

        foreach (var (oid, data) in PageData)
        {
            copy.PageData[oid] = (byte[])data.Clone();
        }

        foreach (var (oid, node) in Nodes)
        {
            copy.Nodes[oid] = (byte[])node.Clone();
        }

        return copy;
    }

    /// <summary>Applies <paramref name="count"/> random mutations: page writes, zeroing, rescinds, node changes.</summary>
    public void Mutate(Random random, int count)
    {
        for (int i = 0; i < count; i++)
        {
            int kind = random.Next(10);
            if (kind < 6)
            {
                MutatePage(random, kind);
            }
            else
            {
                MutateNode(random);
            }
        }
    }

    private void MutatePage(Random random, int kind)
    {
        // Most traffic on a few pages of each cluster, so pots are shared and rewritten.
        ulong index = random.Next(4) == 0 ? (ulong)random.Next((int)CheckpointTestVolume.PageOids) : (ulong)(random.Next(2) * 340) + (ulong)random.Next(8);
        index = Math.Min(index, CheckpointTestVolume.PageOids - 1);
        ulong oid = CheckpointTestVolume.PageFirstOid + index;
        if (kind == 0)
        {
            PageData.Remove(oid);
        }
        else if (kind == 1)
        {
            PageAlloc[oid] = PageAlloc.GetValueOrDefault(oid) + 1;
            PageData.Remove(oid);
        }
        else
        {
            byte[] data = PageData.TryGetValue(oid, out byte[]? old) ? old : new byte[DiskLayout.PageSize];
            random.NextBytes(data.AsSpan(random.Next(DiskLayout.PageSize - 64), 64));
            PageData[oid] = data;
        }

        DirtyPages.Add(oid);
    }

    private void MutateNode(Random random)
    {
        ulong oid = CheckpointTestVolume.NodeFirstOid + (ulong)random.Next((int)CheckpointTestVolume.NodeOids);
        byte[] node = Nodes[oid];
        int slot = random.Next((DiskNode.Size - 16) / DiskKey.Size);
        int at = 16 + (slot * DiskKey.Size);
        BitConverter.TryWriteBytes(node.AsSpan(at), random.NextInt64());
        BitConverter.TryWriteBytes(node.AsSpan(at + 8), (uint)random.Next());
        node[at + 12] = (byte)KeyType.Number;
        node[at + 13] = 0;
        BitConverter.TryWriteBytes(node.AsSpan(at + 14), (ushort)0);
        BitConverter.TryWriteBytes(node.AsSpan(12), (uint)random.Next());
        if (random.Next(8) == 0)
        {
            BitConverter.TryWriteBytes(node.AsSpan(8), BitConverter.ToUInt32(node, 8) + 1);
        }

        DirtyNodes.Add(oid);
    }

    /// <summary>True when both models hold the same objects (dirty marks ignored); <paramref name="why"/> names the first difference.</summary>
    public bool SameObjects(WriterTestModel other, out string why)
    {
        for (ulong i = 0; i < CheckpointTestVolume.PageOids; i++)
        {
            ulong oid = CheckpointTestVolume.PageFirstOid + i;
            if (PageAlloc.GetValueOrDefault(oid) != other.PageAlloc.GetValueOrDefault(oid))
            {
                why = $"page 0x{oid:x} AllocCount {PageAlloc.GetValueOrDefault(oid)} vs {other.PageAlloc.GetValueOrDefault(oid)}";
                return false;
            }

            byte[]? a = PageData.GetValueOrDefault(oid);
            byte[]? b = other.PageData.GetValueOrDefault(oid);
            if (!(a ?? new byte[DiskLayout.PageSize]).AsSpan().SequenceEqual(b ?? new byte[DiskLayout.PageSize]))
            {
                why = $"page 0x{oid:x} content differs";
                return false;
            }
        }

        foreach (ulong oid in Nodes.Keys.Where(oid => !Nodes[oid].AsSpan().SequenceEqual(other.Nodes[oid])))
        {
            why = $"node 0x{oid:x} differs";
            return false;
        }

        why = string.Empty;
        return true;
    }
}
