using System;
using System.Collections.Generic;
using System.Linq;
using CapOS.Kernel.Checkpoint;
using CapOS.Kernel.DiskFormat;
using CapOS.Kernel.Host;
using CapOS.Kernel.Io;
using CapOS.Kernel.NodeTree;
using Xunit;

namespace CapOS.Kernel.Tests.Checkpoint;

/// <summary>
/// One booted machine for the writer tests: a simulated disk holding a volume, the writer's
/// workspace, recovery through the kernel's Recovery (choose the header, adopt it, start re-migration) and a
/// driver that turns a <see cref="WriterTestModel"/>'s dirty objects into a checkpoint, the way the
/// snapshot will.
/// </summary>
internal sealed unsafe class WriterTestRig : IDisposable
{
    private const ulong WorkspaceBase = 0x100000;
    private const ulong ArenaBase = 0x800000;
    private const ulong VolumeBase = 0x10000;
    private const ulong HeaderBase = 0x20000;

    public WriterTestRig(byte[] image, Action<SimulatedDisk>? configure = null)
    {
        Machine = new SimulatedMachine(16 * 1024 * 1024);
        Disk = new SimulatedDisk(image);
        configure?.Invoke(Disk);
        Volume = (VolumeHeader*)(Machine.MemoryBase + VolumeBase);
        new Span<byte>(image, 0, DiskLayout.PageSize).CopyTo(new Span<byte>(Volume, DiskLayout.PageSize));
        Assert.Equal(FormatError.None, VolumeHeader.Validate(Volume, (ulong)image.Length / DiskLayout.PageSize));
        uint logPages = (uint)VolumeHeader.Range(Volume, VolumeLayout.FindLogRange(Volume))->PageCount;
        nuint bytes = CheckpointWriter.WorkspaceBytesFor(logPages);
        Assert.True(CheckpointWriter.Initialize(Volume, Machine.MemoryBase + WorkspaceBase, bytes));
    }

    public SimulatedMachine Machine { get; }

    public SimulatedDisk Disk { get; }

    public VolumeHeader* Volume { get; }

    /// <summary>Pumps until the writer leaves the active phases (committed: Idle; or Failed).</summary>
    public static void PumpWriter()
    {
        for (int i = 0; i < 100000; i++)
        {
            CheckpointPhase phase = CheckpointWriter.Phase;
            if (phase == CheckpointPhase.Idle || phase == CheckpointPhase.Failed)
            {
                return;
            }

            CheckpointWriter.Pump();
        }

        Assert.Fail($"writer stuck in {CheckpointWriter.Phase}, migrator {Migrator.Phase}");
    }

    /// <summary>Pumps until migration is idle (or failed).</summary>
    public static void PumpMigration()
    {
        for (int i = 0; i < 100000 && Migrator.Phase != MigrationPhase.Idle && Migrator.Phase != MigrationPhase.Failed; i++)
        {
            CheckpointWriter.Pump();
        }

        Assert.Equal(MigrationPhase.Idle, Migrator.Phase);
    }

    /// <summary>
    /// Recovery through the kernel's own code (issue 9 item 7): <see cref="Recovery.ReadVolumeHeader"/> and
    /// <see cref="Recovery.ChooseHeader"/> (rereads included), then what Checkpointer.RedoMigration does at
    /// boot: adopt the chosen header and, unless it is Migrated, migrate it again from the start. Returns its
    /// sequence.
    /// </summary>
    public ulong Recover(bool finishMigration = true)
    {
        var slot0 = (CheckpointHeader*)(Machine.MemoryBase + HeaderBase);
        var slot1 = slot0 + 1;
        RecoveryResult result = default;
        Assert.Equal(RecoveryFault.None, Recovery.ReadVolumeHeader(Volume, ref result));
        RecoveryFault fault = Recovery.ChooseHeader(Volume, slot0, slot1, ref result);
        Assert.True(fault == RecoveryFault.None, $"no checkpoint recovered: {fault}");
        Generation.Adopt(result.Slot == 0 ? slot0 : slot1, result.Slot);
        if (!Generation.Migrated)
        {
            Assert.Equal(CheckpointError.None, Migrator.Start());
            if (finishMigration)
            {
                Assert.True(Migrator.RunToCompletion(), $"re-migration failed: {Migrator.Error}");
            }
        }

        return Generation.Sequence;
    }

    /// <summary>
    /// Takes a checkpoint of <paramref name="model"/>'s dirty objects: builds the images in an
    /// arena, hands them to the writer and stabilizes. Clears the dirty marks. Does not pump.
    /// </summary>
    public void StartCheckpoint(WriterTestModel model)
    {
        Assert.Equal(CheckpointError.None, CheckpointWriter.Begin());
        byte* arena = Machine.MemoryBase + ArenaBase;
        int used = 0;
        foreach (ulong oid in model.DirtyPages)
        {
            byte* image = null;
            if (model.PageData.TryGetValue(oid, out byte[]? data))
            {
                image = arena + (used++ * DiskLayout.PageSize);
                data.CopyTo(new Span<byte>(image, DiskLayout.PageSize));
            }

            Assert.Equal(CheckpointError.None, CheckpointWriter.AddPage(new Oid(oid), model.PageAlloc.GetValueOrDefault(oid), image));
        }

        foreach (var cluster in model.DirtyPages.GroupBy(ClusterFirst))
        {
            byte* image = arena + (used++ * DiskLayout.PageSize);
            BuildTagPot(model, cluster.Key, (TagPot*)image);
            Assert.Equal(CheckpointError.None, CheckpointWriter.AddTagPot(image));
        }

        foreach (var pot in model.DirtyNodes.GroupBy(oid => (oid - CheckpointTestVolume.NodeFirstOid) / NodePot.NodeCapacity))
        {
            byte* image = arena + (used++ * DiskLayout.PageSize);
            BuildNodePot(model, pot.Key, (NodePot*)image);
            Assert.Equal(CheckpointError.None, CheckpointWriter.AddNodePot(image));
        }

        model.DirtyPages.Clear();
        model.DirtyNodes.Clear();
        Assert.Equal(CheckpointError.None, CheckpointWriter.Stabilize());
    }

    /// <summary>Log pages and directory entries <paramref name="model"/>'s dirty objects will need.</summary>
    public static (uint Pages, uint Entries) Need(WriterTestModel model)
    {
        uint clusters = (uint)model.DirtyPages.Select(ClusterFirst).Distinct().Count();
        uint pots = (uint)model.DirtyNodes.Select(oid => (oid - CheckpointTestVolume.NodeFirstOid) / NodePot.NodeCapacity).Distinct().Count();
        uint data = (uint)model.DirtyPages.Count(model.PageData.ContainsKey);
        return (data + clusters + pots, (uint)(model.DirtyPages.Count + clusters + (pots * NodePot.NodeCapacity)));
    }

    private static ulong ClusterFirst(ulong oid) =>
        CheckpointTestVolume.PageFirstOid + ((oid - CheckpointTestVolume.PageFirstOid) / TagPot.EntryCapacity * TagPot.EntryCapacity);

    private static void BuildTagPot(WriterTestModel model, ulong first, TagPot* pot)
    {
        uint count = (uint)Math.Min(TagPot.EntryCapacity, CheckpointTestVolume.PageFirstOid + CheckpointTestVolume.PageOids - first);
        TagPot.Initialize(pot, new Oid(first), count, 0);
        for (uint i = 0; i < count; i++)
        {
            TagEntry* entry = TagPot.Entry(pot, (int)i);
            entry->AllocCount = model.PageAlloc.GetValueOrDefault(first + i);
            if (model.PageData.TryGetValue(first + i, out byte[]? data))
            {
                entry->Tag = FrameTag.DataPage;
                fixed (byte* bytes = data)
                {
                    entry->DataCrc = PageSeal.ImageCrc(bytes);
                }
            }
        }
    }

    private static void BuildNodePot(WriterTestModel model, ulong potIndex, NodePot* pot)
    {
        ulong first = CheckpointTestVolume.NodeFirstOid + (potIndex * NodePot.NodeCapacity);
        uint count = (uint)Math.Min(NodePot.NodeCapacity, CheckpointTestVolume.NodeFirstOid + CheckpointTestVolume.NodeOids - first);
        NodePot.Initialize(pot, new Oid(first), count, 0);
        for (uint i = 0; i < count; i++)
        {
            model.Nodes[first + i].CopyTo(new Span<byte>(NodePot.NodeAt(pot, (int)i), DiskNode.Size));
        }
    }

    public void Dispose() => Machine.Dispose();
}
