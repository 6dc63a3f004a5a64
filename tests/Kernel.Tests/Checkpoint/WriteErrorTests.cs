using System;
using CapOS.Kernel.Checkpoint;
using CapOS.Kernel.Io;
using Xunit;

namespace CapOS.Kernel.Tests.Checkpoint;

/// <summary>
/// Persistent write errors (H13): migration and the header write retry a bounded number of
/// times (Migrator I3, CheckpointWriter I5), then stop and say so; committed data is never lost.
/// </summary>
public sealed class WriteErrorTests
{
    private static WriterTestModel Committed(WriterTestRig rig)
    {
        rig.Recover();
        var model = new WriterTestModel();
        model.Mutate(new Random(5), 25);
        rig.StartCheckpoint(model);
        return model;
    }

    [Fact]
    public void APersistentWriteErrorAtAnyMigrationWriteStopsMigrationAndLosesNothing()
    {
        long committedAt;
        long migrationWrites;
        using (var dry = new WriterTestRig(CheckpointTestVolume.Build()))
        {
            Committed(dry);
            WriterTestRig.PumpWriter();
            committedAt = dry.Disk.WriteCount;
            WriterTestRig.PumpMigration();
            migrationWrites = dry.Disk.WriteCount - committedAt;
        }

        Assert.True(migrationWrites > 5, $"only {migrationWrites} migration writes");
        for (long k = 1; k <= migrationWrites; k++)
        {
            using var rig = new WriterTestRig(CheckpointTestVolume.Build(), disk => disk.FailWritesFrom = committedAt + k);
            WriterTestModel model = Committed(rig);
            WriterTestRig.PumpWriter();
            Assert.Equal(2ul, Generation.Sequence);
            for (int i = 0; i < 10000 && Migrator.Phase != MigrationPhase.Failed && Migrator.Phase != MigrationPhase.Idle; i++)
            {
                CheckpointWriter.Pump();
            }

            Assert.True(Migrator.Phase == MigrationPhase.Failed, $"write {k}: migrator {Migrator.Phase}");
            Assert.Equal(CheckpointError.IoError, Migrator.Error);
            Assert.Equal(DiskError.IoError, Migrator.LastDiskError);
            Assert.False(Generation.Migrated);
            WriterTests.AssertRecovers(CrashLoopTests.AfterRecovery(rig.Disk.Image), model, 2, migrated: true);
        }
    }

    [Fact]
    public void ATransientMigrationWriteErrorIsRetried()
    {
        using var rig = new WriterTestRig(CheckpointTestVolume.Build());
        WriterTestModel model = Committed(rig);
        WriterTestRig.PumpWriter();
        rig.Disk.FailWrite = rig.Disk.WriteCount + 2;
        WriterTestRig.PumpMigration();
        Assert.True(Generation.Migrated);
        Assert.Equal(1ul, CheckpointWriter.Stats.Retries);
        Assert.Contains("checkpoint: write error seq=2 what=migrate try=1 (disk error 3)\n", rig.Machine.ConsoleText);
        WriterTests.AssertRecovers(rig.Disk.Image, model, 2, migrated: true);
    }

    [Fact]
    public void APersistentHeaderWriteErrorStopsTheWriterForGoodAndSaysSo()
    {
        long header;
        using (var dry = new WriterTestRig(CheckpointTestVolume.Build()))
        {
            Committed(dry);
            WriterTestRig.PumpWriter();
            header = dry.Disk.WriteCount;
        }

        using var rig = new WriterTestRig(CheckpointTestVolume.Build(), disk => disk.FailWritesFrom = header);
        var start = new WriterTestModel();
        Committed(rig);
        WriterTestRig.PumpWriter();
        Assert.Equal(CheckpointPhase.Failed, CheckpointWriter.Phase);
        Assert.True(CheckpointWriter.HeaderFailed);
        Assert.Equal(CheckpointError.IoError, CheckpointWriter.Error);
        Assert.Equal(CheckpointError.WrongPhase, CheckpointWriter.Abort());
        Assert.Equal(CheckpointError.WrongPhase, CheckpointWriter.Begin());
        Assert.Equal(1ul, Generation.Sequence);
        Assert.Equal((ulong)CheckpointWriter.HeaderRetryLimit, CheckpointWriter.Stats.Retries);
        Assert.Equal(StopReason.HeaderWrite, CheckpointWriter.FailedWhat);
        Assert.Equal(CheckpointWriter.HeaderRetryLimit, CheckpointWriter.FailedTries);
        Assert.Contains("checkpoint: write error seq=2 what=header try=1 (disk error 3)\n", rig.Machine.ConsoleText);
        Assert.Contains("checkpoint: write error seq=2 what=header try=8 (disk error 3)\n", rig.Machine.ConsoleText);
        long writes = rig.Disk.WriteCount;
        for (int i = 0; i < 100; i++)
        {
            CheckpointWriter.Pump();
        }

        Assert.Equal(writes, rig.Disk.WriteCount);
        WriterTests.AssertRecovers(rig.Disk.Image, start, 1, migrated: true);
    }

    [Fact]
    public void ATransientLogWriteErrorIsRetriedAndCommits()
    {
        using var rig = new WriterTestRig(CheckpointTestVolume.Build());
        rig.Recover();
        long first = rig.Disk.WriteCount + 1;
        rig.Disk.FailWrite = first;
        var model = new WriterTestModel();
        model.Mutate(new Random(5), 25);
        rig.StartCheckpoint(model);
        WriterTestRig.PumpWriter();
        Assert.Equal(CheckpointPhase.Idle, CheckpointWriter.Phase);
        Assert.Equal(2ul, Generation.Sequence);
        Assert.Equal(1ul, CheckpointWriter.Stats.Retries);
        Assert.Contains("checkpoint: write error seq=2 what=log try=1 (disk error 3)\n", rig.Machine.ConsoleText);
        WriterTestRig.PumpMigration();
        WriterTests.AssertRecovers(rig.Disk.Image, model, 2, migrated: true);
    }

    [Fact]
    public void APersistentLogOrDirectoryWriteErrorFailsTheCheckpointAndLosesNothing()
    {
        long stabilization;
        using (var dry = new WriterTestRig(CheckpointTestVolume.Build()))
        {
            Committed(dry);
            long before = dry.Disk.WriteCount;
            WriterTestRig.PumpWriter();
            stabilization = dry.Disk.WriteCount - before - 1; // every log and directory write, not the header
        }

        for (long k = 1; k <= stabilization; k++)
        {
            using var rig = new WriterTestRig(CheckpointTestVolume.Build());
            rig.Recover();
            rig.Disk.FailWritesFrom = rig.Disk.WriteCount + k;
            var model = new WriterTestModel();
            model.Mutate(new Random(5), 25);
            rig.StartCheckpoint(model);
            WriterTestRig.PumpWriter();
            Assert.Equal(CheckpointPhase.Failed, CheckpointWriter.Phase);
            Assert.False(CheckpointWriter.HeaderFailed);
            Assert.True(CheckpointWriter.FailedWhat is StopReason.LogWrite or StopReason.DirectoryWrite or StopReason.LogFlush, $"{CheckpointWriter.FailedWhat}");
            Assert.Equal(CheckpointWriter.WriteRetryLimit, CheckpointWriter.FailedTries);
            Assert.Equal(1ul, Generation.Sequence);
            Assert.Equal(CheckpointError.None, CheckpointWriter.Abort());
            WriterTests.AssertRecovers(rig.Disk.Image, new WriterTestModel(), 1, migrated: true);
        }
    }
}
