using System;
using CapOS.Kernel.Checkpoint;
using CapOS.Kernel.DiskFormat;
using CapOS.Kernel.Host;
using CapOS.Kernel.NodeTree;
using CapOS.Kernel.ObjectCache;
using Xunit;

namespace CapOS.Kernel.Tests.Checkpoint;

/// <summary>
/// The objects of a disk as the kernel recovers them (issue 9 item 7): a fresh simulated machine boots the
/// disk through the kernel's own <see cref="Store.Recover"/> (<see cref="Recovery"/>: volume header, header
/// choice with rereads, directory) and reads every object of <see cref="CheckpointTestVolume"/> by object
/// faults through the cache (log image or home, every CRC checked). The crash tests compare it with the
/// script's record, beside the independent <see cref="WriterTestOracle"/>. Call it with no rig alive: it
/// makes its own machine current.
/// </summary>
internal static unsafe class StoreView
{
    public static WriterTestModel Read(byte[] disk, out ulong sequence)
    {
        using var machine = TestStore.Machine();
        RecoveryResult result = TestStore.Recover((byte[])disk.Clone(), 64, 64);
        Assert.True(result.Fault == RecoveryFault.None, $"Store.Recover refused: {result.Fault}\n{machine.ConsoleText}");
        sequence = result.Sequence;
        var model = new WriterTestModel();
        for (ulong i = 0; i < CheckpointTestVolume.PageOids; i++)
        {
            var oid = new Oid(CheckpointTestVolume.PageFirstOid + i);
            CacheResult fault = Cache.GetPage(oid, out ObjectHeader* page);
            Assert.True(fault == CacheResult.Ok, $"page 0x{oid.Value:x}: {fault}");
            if (page->AllocCount != 0)
            {
                model.PageAlloc[oid.Value] = page->AllocCount;
            }

            var data = new ReadOnlySpan<byte>(Cache.PageData(page), DiskLayout.PageSize);
            if (data.IndexOfAnyExcept((byte)0) >= 0)
            {
                model.PageData[oid.Value] = data.ToArray();
            }
        }

        for (ulong i = 0; i < CheckpointTestVolume.NodeOids; i++)
        {
            var oid = new Oid(CheckpointTestVolume.NodeFirstOid + i);
            CacheResult fault = Cache.GetNode(oid, out ObjectHeader* node);
            Assert.True(fault == CacheResult.Ok, $"node 0x{oid.Value:x}: {fault}");
            byte[] bytes = new byte[DiskNode.Size];
            fixed (byte* at = bytes)
            {
                var disk2 = (DiskNode*)at;
                disk2->Oid = oid;
                disk2->AllocCount = node->AllocCount;
                disk2->CallCount = Cache.NodeBody(node)->CallCount;
                for (int s = 0; s < DiskNode.SlotCount; s++)
                {
                    Cache.DiskForm(Node.Slot(Cache.NodeBody(node), s), (Key*)DiskNode.Slot(disk2, s));
                }
            }

            model.Nodes[oid.Value] = bytes;
        }

        return model;
    }

    /// <summary>Asserts that the kernel recovers <paramref name="disk"/> as checkpoint <paramref name="sequence"/> holding <paramref name="expected"/>.</summary>
    public static void AssertRecovers(byte[] disk, WriterTestModel expected, ulong sequence, string where)
    {
        WriterTestModel seen = Read(disk, out ulong chosen);
        Assert.True(chosen == sequence, $"{where}: the kernel recovered {chosen}, expected {sequence}");
        Assert.True(expected.SameObjects(seen, out string why), $"{where}, through Store.Recover: {why}");
    }
}
