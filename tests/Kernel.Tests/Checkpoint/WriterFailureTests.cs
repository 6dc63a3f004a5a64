using System;
using System.Linq;
using CapOS.Kernel.Checkpoint;
using CapOS.Kernel.Io;
using Xunit;

namespace CapOS.Kernel.Tests.Checkpoint;

/// <summary>
/// An I/O error at every write of a scripted run in turn: every failed write (image, directory, header,
/// flush, migration) is retried and the run commits every checkpoint (writer I5, I6; Migrator I3); a write
/// that fails for good fails its checkpoint cleanly (the previous one stays the recovery point, never a
/// commit) and, after an Abort, the next attempt succeeds.
/// </summary>
public sealed class WriterFailureTests
{
    private static readonly int[] Script = [12, 25, 4, 18];

    [Fact]
    public void AnIoErrorAtAnyWriteIsRetriedAndEveryCheckpointCommits()
    {
        byte[] image = CheckpointTestVolume.Build();
        long total;
        using (var dry = new WriterTestRig((byte[])image.Clone()))
        {
            Run(dry, out _, out _);
            total = dry.Disk.WriteCount;
        }

        for (long n = 1; n <= total; n++)
        {
            using var rig = new WriterTestRig((byte[])image.Clone(), disk => disk.FailWrite = n);
            WriterTestModel model = Run(rig, out int failures, out ulong retries);
            Assert.True(failures == 0 && retries == 1, $"write {n}: {failures} aborts, {retries} retries");
            Assert.Equal(1ul + (ulong)Script.Length, Generation.Sequence);
            Assert.Contains(" try=1 (disk error 3)\n", rig.Machine.ConsoleText);
            WriterTests.AssertRecovers(rig.Disk.Image, model, Generation.Sequence, migrated: true);
        }
    }

    [Fact]
    public void AFailedStabilizationReportsTheDiskError()
    {
        using var rig = new WriterTestRig(CheckpointTestVolume.Build(), disk => disk.FailWritesFrom = 3);
        rig.Recover();
        var model = new WriterTestModel();
        model.Mutate(new Random(1), 20);
        ulong[] pages = [.. model.DirtyPages];
        ulong[] nodes = [.. model.DirtyNodes];
        rig.StartCheckpoint(model);
        WriterTestRig.PumpWriter();
        Assert.Equal(CheckpointPhase.Failed, CheckpointWriter.Phase);
        Assert.Equal(CheckpointError.IoError, CheckpointWriter.Error);
        Assert.Equal(DiskError.IoError, CheckpointWriter.LastDiskError);
        Assert.False(CheckpointWriter.ImagesWritten);
        Assert.Equal(CheckpointError.WrongPhase, CheckpointWriter.Begin());
        Assert.Equal(CheckpointError.None, CheckpointWriter.Abort());
        Assert.Equal(1ul, Generation.Sequence);
        rig.Disk.FailWritesFrom = null;
        model.DirtyPages.UnionWith(pages);
        model.DirtyNodes.UnionWith(nodes);
        rig.StartCheckpoint(model);
        WriterTestRig.PumpWriter();
        Assert.Equal(2ul, Generation.Sequence);
    }

    private static WriterTestModel Run(WriterTestRig rig, out int failures, out ulong retries)
    {
        rig.Recover();
        var model = new WriterTestModel();
        var random = new Random(99);
        failures = 0;
        foreach (int count in Script)
        {
            model.Mutate(random, count);
            ulong[] pages = [.. model.DirtyPages];
            ulong[] nodes = [.. model.DirtyNodes];
            ulong before = Generation.Sequence;
            rig.StartCheckpoint(model);
            WriterTestRig.PumpWriter();
            if (CheckpointWriter.Phase == CheckpointPhase.Failed)
            {
                failures++;
                Assert.Equal(before, Generation.Sequence);
                Assert.Equal(before, WriterTestOracleSequence(rig));
                Assert.Equal(CheckpointError.None, CheckpointWriter.Abort());
                model.DirtyPages.UnionWith(pages);
                model.DirtyNodes.UnionWith(nodes);
                rig.StartCheckpoint(model);
                WriterTestRig.PumpWriter();
            }

            Assert.Equal(CheckpointPhase.Idle, CheckpointWriter.Phase);
            Assert.Equal(before + 1, Generation.Sequence);
        }

        WriterTestRig.PumpMigration();
        retries = CheckpointWriter.Stats.Retries;
        return model;
    }

    private static ulong WriterTestOracleSequence(WriterTestRig rig)
    {
        WriterTestOracle.Read(rig.Disk.Image, out ulong sequence, out _);
        return sequence;
    }
}
