using System;
using CapOS.Kernel.Checkpoint;
using Xunit;

namespace CapOS.Kernel.Tests.Checkpoint;

/// <summary>
/// Figures of the writer on the simulated disk (issue #4 item 7; not asserted as timings).
/// The lead's benchmark command can call <see cref="Run"/>; real figures come from metal.
/// </summary>
public static class WriterBenchmark
{
    /// <summary>What a run measured.</summary>
    public sealed record Figures(
        int Checkpoints,
        CheckpointStats Stats,
        long DiskWrites,
        long DiskReads,
        long DiskFlushes,
        double WritesPerCheckpoint,
        double PumpsPerCheckpoint);

    /// <summary>
    /// Runs <paramref name="checkpoints"/> checkpoints of about <paramref name="mutations"/> random
    /// mutations each on the test volume with a log of <paramref name="logPages"/> pages (seeded).
    /// Simulated elapsed time is counted in pumps: each pump completes every queued request.
    /// </summary>
    public static Figures Run(int checkpoints, int mutations, uint logPages = 256, int seed = 1)
    {
        using var rig = new WriterTestRig(CheckpointTestVolume.Build(logPages));
        rig.Recover();
        var model = new WriterTestModel();
        var random = new Random(seed);
        for (int i = 0; i < checkpoints; i++)
        {
            model.Mutate(random, mutations);
            rig.StartCheckpoint(model);
            WriterTestRig.PumpWriter();
        }

        WriterTestRig.PumpMigration();
        CheckpointStats stats = CheckpointWriter.Stats;
        return new Figures(
            checkpoints,
            stats,
            rig.Disk.WriteCount,
            rig.Disk.ReadCount,
            rig.Disk.FlushCount,
            (double)rig.Disk.WriteCount / checkpoints,
            (double)stats.Pumps / checkpoints);
    }
}

public sealed class WriterBenchmarkTests
{
    [Fact]
    public void FiguresAccountForEveryRequest()
    {
        WriterBenchmark.Figures figures = WriterBenchmark.Run(50, 40);
        CheckpointStats stats = figures.Stats;
        Assert.Equal(50ul, stats.Committed);
        Assert.Equal(
            (long)(stats.ImagesWritten + stats.DirectoryPagesWritten + stats.HeadersWritten + stats.HomeWrites),
            figures.DiskWrites);
        // + what Recovery reads: the volume header, header slot 0, and the blank slot 1 ReadAttempts times (Recovery I1).
        Assert.Equal((long)stats.LogReads + 2 + Recovery.ReadAttempts, figures.DiskReads);
        Assert.True(stats.HomeWrites <= stats.HomePagesWritten && stats.LogReads <= stats.LogPagesRead);
        Assert.Equal(stats.ImagesWritten, stats.HomePagesWritten);
        Assert.Equal(4L * 50, figures.DiskFlushes);
        Assert.True(stats.MaxInFlight > 1, "never more than one request in flight");
    }
}
