using System;
using CapOS.Kernel.Checkpoint;
using CapOS.Kernel.DiskFormat;
using CapOS.Kernel.NodeTree;
using Xunit;

namespace CapOS.Kernel.Tests.Checkpoint;

public sealed unsafe class WriterTests
{
    [Fact]
    public void CommittedCheckpointIsWhatRecoverySeesBeforeAndAfterMigration()
    {
        var model = new WriterTestModel();
        model.Mutate(new Random(7), 30);
        using var rig = new WriterTestRig(CheckpointTestVolume.Build());
        Assert.Equal(1ul, rig.Recover());
        rig.StartCheckpoint(model);
        WriterTestRig.PumpWriter();
        Assert.Equal(CheckpointPhase.Idle, CheckpointWriter.Phase);
        Assert.Equal(2ul, Generation.Sequence);
        Assert.False(Generation.Migrated);

        AssertRecovers(rig.Disk.Image, model, 2, migrated: false);
        WriterTestRig.PumpMigration();
        Assert.True(Generation.Migrated);
        AssertRecovers(rig.Disk.Image, model, 2, migrated: true);
    }

    [Fact]
    public void HeadersAlternateSlotsAndNeverOverwriteTheCurrentOne()
    {
        var model = new WriterTestModel();
        var random = new Random(3);
        using var rig = new WriterTestRig(CheckpointTestVolume.Build());
        rig.Recover();
        for (int i = 0; i < 6; i++)
        {
            int before = Generation.Slot;
            model.Mutate(random, 5);
            rig.StartCheckpoint(model);
            WriterTestRig.PumpWriter();
            Assert.Equal(CheckpointHeader.NextSlot(before), Generation.Slot);
            int committed = Generation.Slot;
            WriterTestRig.PumpMigration();
            Assert.Equal(CheckpointHeader.NextSlot(committed), Generation.Slot);
        }

        Assert.Equal(7ul, Generation.Sequence);
    }

    [Fact]
    public void CheckpointsUseAlternateHalvesAndDescribeExactlyTheirPages()
    {
        var model = new WriterTestModel();
        var random = new Random(5);
        using var rig = new WriterTestRig(CheckpointTestVolume.Build());
        rig.Recover();
        for (int i = 0; i < 4; i++)
        {
            model.Mutate(random, 6);
            rig.StartCheckpoint(model);
            uint images = CheckpointWriter.ImageCount;
            uint entries = CheckpointWriter.EntryCount;
            WriterTestRig.PumpWriter();
            CheckpointHeader* header = Generation.Current;
            Assert.Equal(LogSpace.HalfFirst(header->Sequence), header->LogAreaFirst);
            Assert.Equal(images + LogSpace.DirectoryPagesFor(entries), header->LogAreaCount);
            Assert.Equal(header->LogAreaFirst + images, header->DirectoryFirst);
            Assert.Equal(entries, header->DirectoryEntryCount);
            WriterTestRig.PumpMigration();
        }
    }

    [Fact]
    public void NextCheckpointStabilizesWhileThePreviousMigratesButCommitsOnlyAfterIt()
    {
        var model = new WriterTestModel();
        var random = new Random(11);
        using var rig = new WriterTestRig(CheckpointTestVolume.Build());
        rig.Recover();
        model.Mutate(random, 20);
        rig.StartCheckpoint(model);
        WriterTestRig.PumpWriter();
        Assert.False(Generation.Migrated);
        model.Mutate(random, 20);
        rig.StartCheckpoint(model);
        bool sawWaiting = false;
        while (CheckpointWriter.Phase != CheckpointPhase.Idle)
        {
            CheckpointWriter.Pump();
            sawWaiting |= CheckpointWriter.Phase == CheckpointPhase.AwaitingMigration;
            Assert.True(Generation.Sequence == 2 || Generation.Migrated || Generation.Sequence == 3);
            if (Generation.Sequence == 3)
            {
                Assert.Equal(2ul, CheckpointWriter.Stats.Migrated + 1);
            }
        }

        Assert.True(sawWaiting, "the second checkpoint never waited for the first one's migration");
        WriterTestRig.PumpMigration();
        AssertRecovers(rig.Disk.Image, model, 3, migrated: true);
    }

    [Fact]
    public void EmptyCheckpointCommitsAnEmptyDirectory()
    {
        var model = new WriterTestModel();
        using var rig = new WriterTestRig(CheckpointTestVolume.Build());
        rig.Recover();
        rig.StartCheckpoint(model);
        WriterTestRig.PumpWriter();
        Assert.Equal(0u, Generation.Current->DirectoryEntryCount);
        Assert.Equal(0u, Generation.Current->LogAreaCount);
        WriterTestRig.PumpMigration();
        AssertRecovers(rig.Disk.Image, model, 2, migrated: true);
    }

    [Fact]
    public void AddRefusesUnknownOidsBadPotsAndCallsOutOfPhase()
    {
        using var rig = new WriterTestRig(CheckpointTestVolume.Build());
        byte* image = rig.Machine.MemoryBase + 0x900000;
        Assert.Equal(CheckpointError.NotInitialized, CheckpointWriter.Begin());
        rig.Recover();
        Assert.Equal(CheckpointError.WrongPhase, CheckpointWriter.AddPage(new Oid(CheckpointTestVolume.PageFirstOid), 0, image));
        Assert.Equal(CheckpointError.None, CheckpointWriter.Begin());
        Assert.Equal(CheckpointError.WrongPhase, CheckpointWriter.Begin());
        Assert.Equal(CheckpointError.UnknownOid, CheckpointWriter.AddPage(new Oid(CheckpointTestVolume.NodeFirstOid), 0, image));
        Assert.Equal(CheckpointError.UnknownOid, CheckpointWriter.AddPage(new Oid(7), 0, image));
        NodePot.Initialize((NodePot*)image, new Oid(CheckpointTestVolume.NodeFirstOid + 1), 7, 0);
        Assert.Equal(CheckpointError.UnknownOid, CheckpointWriter.AddNodePot(image));
        NodePot.Initialize((NodePot*)image, new Oid(CheckpointTestVolume.NodeFirstOid), 7, 0);
        DiskNode.Slot(NodePot.NodeAt((NodePot*)image, 2), 0)->Type = (KeyType)0xEE;
        Assert.Equal(CheckpointError.BadImage, CheckpointWriter.AddNodePot(image));
        NodePot.Initialize((NodePot*)image, new Oid(CheckpointTestVolume.NodeFirstOid + 28), 7, 0);
        Assert.Equal(CheckpointError.BadImage, CheckpointWriter.AddNodePot(image));
        Assert.Equal(0u, CheckpointWriter.ImageCount);
        Assert.Equal(CheckpointError.None, CheckpointWriter.Abort());
        Assert.Equal(CheckpointPhase.Idle, CheckpointWriter.Phase);
    }

    [Fact]
    public void AddRefusesWhatDoesNotFitInAHalf()
    {
        using var rig = new WriterTestRig(CheckpointTestVolume.Build());
        rig.Recover();
        byte* image = rig.Machine.MemoryBase + 0x900000;
        Assert.Equal(CheckpointError.None, CheckpointWriter.Begin());
        uint added = 0;
        while (CheckpointWriter.AddPage(new Oid(CheckpointTestVolume.PageFirstOid + added), 0, image) == CheckpointError.None)
        {
            added++;
        }

        Assert.Equal(CheckpointError.LogFull, CheckpointWriter.AddPage(new Oid(CheckpointTestVolume.PageFirstOid + added), 0, image));
        Assert.Equal(LogSpace.HalfPages - 1, added);
        Assert.Equal(CheckpointError.None, CheckpointWriter.AddPage(new Oid(CheckpointTestVolume.PageFirstOid + added), 0, null));
        Assert.Equal(CheckpointError.None, CheckpointWriter.Stabilize());
        WriterTestRig.PumpWriter();
        Assert.Equal(LogSpace.HalfPages, Generation.Current->LogAreaCount);
    }

    internal static void AssertRecovers(byte[] disk, WriterTestModel expected, ulong sequence, bool migrated)
    {
        WriterTestModel seen = WriterTestOracle.Read(disk, out ulong chosen, out bool isMigrated);
        Assert.Equal(sequence, chosen);
        Assert.Equal(migrated, isMigrated);
        Assert.True(expected.SameObjects(seen, out string why), why);
    }
}
