using System;
using System.Collections.Generic;
using CapOS.Kernel.DiskFormat;
using CapOS.Kernel.NodeTree;
using Xunit;

namespace CapOS.Kernel.Tests.Checkpoint;

/// <summary>
/// The content of every object as recovery sees it on a disk image, computed independently
/// of the kernel code under test: choose the header (docs/disk-format.md "Recovery"); objects
/// its directory names come from their log images unless it is Migrated, all others from home.
/// Every checksum on the way is checked (L1, P1, D1), so a torn or stale page fails the test.
/// </summary>
internal static unsafe class WriterTestOracle
{
    /// <summary>The recovered state of <paramref name="disk"/>, and the header recovery chooses.</summary>
    public static WriterTestModel Read(byte[] disk, out ulong sequence, out bool migrated)
    {
        fixed (byte* image = disk)
        {
            var volume = (VolumeHeader*)image;
            Assert.Equal(FormatError.None, VolumeHeader.Validate(volume, (ulong)disk.Length / DiskLayout.PageSize));
            RangeDescriptor* log = VolumeHeader.Range(volume, VolumeLayout.FindLogRange(volume));
            CheckpointHeader* header = Choose(image, volume, log);
            sequence = header->Sequence;
            migrated = (header->Flags & CheckpointFlags.Migrated) != 0;
            Dictionary<(ObType, ulong), DirectoryEntry> named = migrated ? [] : ReadDirectory(image, log, header);
            var model = new WriterTestModel();
            ReadPages(image, volume, log, named, model);
            ReadNodes(image, volume, log, named, model);
            return model;
        }
    }

    private static byte* Page(byte* image, ulong page) => image + (page * DiskLayout.PageSize);

    private static CheckpointHeader* Choose(byte* image, VolumeHeader* volume, RangeDescriptor* log)
    {
        var slot0 = (CheckpointHeader*)Page(image, log->FirstPage);
        var slot1 = (CheckpointHeader*)Page(image, log->FirstPage + 1);
        bool valid0 = CheckpointHeader.Validate(slot0, volume->VolumeId, (uint)log->PageCount) == FormatError.None;
        bool valid1 = CheckpointHeader.Validate(slot1, volume->VolumeId, (uint)log->PageCount) == FormatError.None;
        int chosen = CheckpointHeader.ChooseSlot(slot0, valid0, slot1, valid1);
        Assert.True(chosen >= 0, "no valid header");
        return chosen == 0 ? slot0 : slot1;
    }

    private static Dictionary<(ObType, ulong), DirectoryEntry> ReadDirectory(byte* image, RangeDescriptor* log, CheckpointHeader* header)
    {
        var named = new Dictionary<(ObType, ulong), DirectoryEntry>();
        for (uint p = 0; p < header->DirectoryPageCount; p++)
        {
            var page = (DirectoryPage*)Page(image, log->FirstPage + header->DirectoryFirst + p);
            Assert.Equal(FormatError.None, DirectoryPage.Validate(page, header, p, (uint)log->PageCount));
            for (int i = 0; i < page->EntryCount; i++)
            {
                DirectoryEntry entry = *DirectoryPage.Entry(page, i);
                Assert.True(named.TryAdd((entry.Type, entry.Oid.Value), entry), "an object is named twice");
                if (entry.Lid != DiskLayout.ZeroLid)
                {
                    Assert.Equal(entry.ImageCrc, PageSeal.ImageCrc(Page(image, log->FirstPage + entry.Lid)));
                }
            }
        }

        return named;
    }

    private static void ReadPages(byte* image, VolumeHeader* volume, RangeDescriptor* log, Dictionary<(ObType, ulong), DirectoryEntry> named, WriterTestModel model)
    {
        for (ulong i = 0; i < CheckpointTestVolume.PageOids; i++)
        {
            var oid = new Oid(CheckpointTestVolume.PageFirstOid + i);
            Assert.Equal(FormatError.None, VolumeLayout.Locate(volume, oid, RangeKind.PageRange, out ObjectLocation at));
            var pot = (TagPot*)(named.TryGetValue((ObType.TagPot, at.PotFirstOid.Value), out DirectoryEntry potEntry)
                ? Page(image, log->FirstPage + potEntry.Lid)
                : Page(image, at.TagPotPage));
            Assert.Equal(FormatError.None, TagPot.Validate(pot, at.PotFirstOid, at.PotObjectCount));
            TagEntry* tag = TagPot.Entry(pot, at.Slot);
            byte* data = null;
            if (named.TryGetValue((ObType.Page, oid.Value), out DirectoryEntry entry))
            {
                Assert.Equal(entry.AllocCount, tag->AllocCount);
                data = entry.Lid == DiskLayout.ZeroLid ? null : Page(image, log->FirstPage + entry.Lid);
            }
            else if (tag->Tag == FrameTag.DataPage)
            {
                data = Page(image, at.HomePage);
            }

            Assert.Equal(data == null ? FrameTag.ZeroPage : FrameTag.DataPage, tag->Tag);
            if (data != null)
            {
                Assert.Equal(tag->DataCrc, PageSeal.ImageCrc(data));
                model.PageData[oid.Value] = new Span<byte>(data, DiskLayout.PageSize).ToArray();
            }

            if (tag->AllocCount != 0)
            {
                model.PageAlloc[oid.Value] = tag->AllocCount;
            }
        }
    }

    private static void ReadNodes(byte* image, VolumeHeader* volume, RangeDescriptor* log, Dictionary<(ObType, ulong), DirectoryEntry> named, WriterTestModel model)
    {
        for (ulong i = 0; i < CheckpointTestVolume.NodeOids; i++)
        {
            var oid = new Oid(CheckpointTestVolume.NodeFirstOid + i);
            Assert.Equal(FormatError.None, VolumeLayout.Locate(volume, oid, RangeKind.NodeRange, out ObjectLocation at));
            bool logged = named.TryGetValue((ObType.Node, oid.Value), out DirectoryEntry entry);
            var pot = (NodePot*)Page(image, logged ? log->FirstPage + entry.Lid : at.HomePage);
            Assert.Equal(FormatError.None, NodePot.Validate(pot, at.PotFirstOid, at.PotObjectCount));
            DiskNode* node = NodePot.NodeAt(pot, at.Slot);
            if (logged)
            {
                Assert.Equal(at.Slot, entry.Slot);
                Assert.Equal(entry.AllocCount, node->AllocCount);
            }

            model.Nodes[oid.Value] = new Span<byte>(node, DiskNode.Size).ToArray();
        }
    }
}
