using System;
using System.Linq;
using CapOS.Launcher.Bench;
using Xunit;

namespace CapOS.Launcher.Tests.Bench;

public class CheckpointBenchTests
{
    [Fact]
    public void ReadsEverySampleOfABoot()
    {
        var reading = CheckpointBench.Read(BenchLogs.Lines(BenchLogs.CheckpointBench));

        Assert.Equal([16L, 256, 1024], reading.Value!.Select(s => s.Dirty));
    }

    [Fact]
    public void AKernelWithoutTheBenchmarkMakesItNotAvailable()
    {
        var reading = CheckpointBench.Read(BenchLogs.Lines(BenchLogs.PlugBootWithoutCheckpoints));

        Assert.Null(reading.Value);
        Assert.Null(reading.Failure);
        Assert.Contains("no 'bench: checkpoint dirty=...' line", reading.Unavailable, StringComparison.Ordinal);
    }

    [Fact]
    public void TheKernelsOwnRefusalIsNotAvailableButItsFailureFails()
    {
        Assert.Equal("the kernel says 'bench: checkpoint skipped: log too small'",
            CheckpointBench.Read(["bench: checkpoint skipped: log too small"]).Unavailable);
        Assert.Equal("the kernel says 'bench: checkpoint failed: disk error'",
            CheckpointBench.Read(["bench: checkpoint dirty=1 pause-us=1", "bench: checkpoint failed: disk error"]).Failure);
    }

    [Fact]
    public void AFailedConsistencyCheckFailsTheBootEvenWithSamples()
    {
        var reading = CheckpointBench.Read(["bench: checkpoint dirty=1 pause-us=1", "checkpoint: check failed: I3 dirty without entry"]);

        Assert.Equal("checkpoint: check failed: I3 dirty without entry", reading.Failure);
    }

    [Fact]
    public void RowsGoFieldByFieldWithDirtyCountsAscendingAcrossRuns()
    {
        var first = CheckpointBench.Read(BenchLogs.Lines(BenchLogs.CheckpointBench)).Value!;
        var second = CheckpointBench.Read(["bench: checkpoint dirty=16 pause-us=45.5 stabilize-mbps=70", "bench: checkpoint dirty=4 pause-us=9"]).Value!;

        var rows = CheckpointBench.Rows([first, second], rawWriteMbps: 100);

        Assert.Equal(
            [
                "snapshot pause, dirty=4", "snapshot pause, dirty=16", "snapshot pause, dirty=256", "snapshot pause, dirty=1024",
                "stabilization time, dirty=16", "stabilization time, dirty=256",
                "stabilization throughput, dirty=16", "stabilization throughput, dirty=256", "stabilization throughput, dirty=1024",
                "migration time, dirty=16", "migration time, dirty=256",
                "migration throughput, dirty=16", "migration throughput, dirty=256",
                "rounds, dirty=256",
            ],
            rows.Select(r => r.Measure));
        BenchRow pause16 = rows.Single(r => r.Measure == "snapshot pause, dirty=16");
        Assert.Equal([41.5, 45.5], pause16.Samples);
        Assert.Equal("us", pause16.Unit);
        Assert.Equal("71% of raw write", rows.Single(r => r.Measure == "stabilization throughput, dirty=16").Note);
        Assert.Null(pause16.Note);
    }

    [Fact]
    public void WithoutARawFigureThroughputsHaveNoShare()
    {
        var rows = CheckpointBench.Rows([CheckpointBench.Read(BenchLogs.Lines(BenchLogs.CheckpointBench)).Value!], rawWriteMbps: null);

        Assert.All(rows, r => Assert.Null(r.Note));
    }
}
