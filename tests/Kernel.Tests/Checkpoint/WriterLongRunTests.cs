using System;
using CapOS.Kernel.Checkpoint;
using Xunit;

namespace CapOS.Kernel.Tests.Checkpoint;

/// <summary>"It must run forever": thousands of checkpoints on a log of 64 pages (issue #4 item 2).</summary>
public sealed class WriterLongRunTests
{
    [Fact]
    public void ThreeThousandCheckpointsOnASixtyFourPageLog()
    {
        const int checkpoints = 3000;
        using var rig = new WriterTestRig(CheckpointTestVolume.Build(logPages: 64));
        rig.Recover();
        var model = new WriterTestModel();
        var random = new Random(2024);
        for (int i = 0; i < checkpoints; i++)
        {
            model.Mutate(random, random.Next(12));
            var (pages, entries) = WriterTestRig.Need(model);
            Assert.True(LogSpace.TryReserve(pages, entries), $"checkpoint {i}: {pages} pages, {entries} entries do not fit");
            LogSpace.CloseGeneration();
            rig.StartCheckpoint(model);
            WriterTestRig.PumpWriter();
            Assert.Equal(CheckpointPhase.Idle, CheckpointWriter.Phase);
            if (i % 500 == 499)
            {
                WriterTestRig.PumpMigration();
                WriterTests.AssertRecovers(rig.Disk.Image, model, Generation.Sequence, migrated: true);
            }
        }

        WriterTestRig.PumpMigration();
        CheckpointStats stats = CheckpointWriter.Stats;
        Assert.Equal((ulong)checkpoints, stats.Committed);
        Assert.Equal((ulong)checkpoints, stats.Migrated);
        Assert.Equal(1ul + checkpoints, Generation.Sequence);
        Assert.True(stats.ImagesWritten + stats.DirectoryPagesWritten > 100 * CheckpointTestVolume.LogPages, "the log never wrapped");
        Assert.Equal(stats.ImagesWritten, stats.HomePagesWritten);
        WriterTests.AssertRecovers(rig.Disk.Image, model, 1ul + checkpoints, migrated: true);
    }
}
