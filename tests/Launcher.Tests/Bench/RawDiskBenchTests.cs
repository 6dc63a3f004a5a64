using System;
using System.Threading.Tasks;
using CapOS.Harness;
using CapOS.Launcher.Bench;
using Xunit;

namespace CapOS.Launcher.Tests.Bench;

public class RawDiskBenchTests
{
    [Fact]
    public void ReadsThroughputFlushAndLatencyFromARecordedBoot()
    {
        BootReading<RawDiskRun> reading = RawDiskBench.Read(BenchLogs.Lines(BenchLogs.RawDisk));

        Assert.Equal(new RawDiskRun(93.82, 11633.6, 39.7, 33.8), reading.Value);
        Assert.Null(reading.Failure);
        Assert.Null(reading.Unavailable);
    }

    [Fact]
    public void AFailedSelfTestIsABootFailure()
    {
        string log = BenchLogs.RawDisk.Replace("disk: selftest ok inflight=32", "disk: selftest FAILED: scratch readback 7 error=IoError", StringComparison.Ordinal);

        BootReading<RawDiskRun> reading = RawDiskBench.Read(BenchLogs.Lines(log));

        Assert.Null(reading.Value);
        Assert.Equal("disk: selftest FAILED: scratch readback 7 error=IoError", reading.Failure);
    }

    [Fact]
    public void APanicOrAMissingThroughputLineIsABootFailure()
    {
        Assert.Equal("PANIC: out of frames", RawDiskBench.Read(["disk: write-throughput=1.00 MB/s", "PANIC: out of frames"]).Failure);
        Assert.Equal("no 'disk: write-throughput=' line", RawDiskBench.Read(["disk: selftest ok inflight=32"]).Failure);
    }

    [Fact]
    public void ThroughputWithoutFlushOrLatencyStillMeasures()
    {
        RawDiskRun run = RawDiskBench.Read(["disk: write-throughput=12.5 MB/s pages=1024", "disk: selftest ok"]).Value!;

        Assert.Equal(new RawDiskRun(12.5, null, null, null), run);
        Assert.Single(RawDiskBench.Rows([run]));
    }

    [Fact]
    public void RowsCarryEverySampleInRunOrder()
    {
        var rows = RawDiskBench.Rows([new RawDiskRun(90, 1000, 40, 30), new RawDiskRun(110, 3000, 50, 20), new RawDiskRun(100, 2000, 45, 25)]);

        Assert.Equal(["write throughput", "flush after the writes", "4 KiB read latency, mean", "4 KiB read latency, least"],
            [.. System.Linq.Enumerable.Select(rows, r => r.Measure)]);
        Assert.Equal([90.0, 110, 100], rows[0].Samples);
        Assert.Equal(100, rows[0].Median);
        Assert.Equal("MB/s", rows[0].Unit);
        Assert.Equal("us", rows[3].Unit);
    }

    /// <summary>Phase 1 on the real kernel: one boot of test=disk on a fresh 16 MiB scratch disk (~1 s under TCG).</summary>
    [Fact]
    public async Task OneRealBootMeasuresTheRawDisk()
    {
        RepositoryLayout layout = RepositoryLayout.Locate();
        Assert.True(layout.MissingKernelArtifacts().Count == 0 && System.IO.File.Exists(layout.PristineImage(BenchImages.RawDiskVolumeName)),
            "needs artifacts/kernel, artifacts/user and artifacts/images/capos.img: build the solution");
        using var images = new BenchImages();

        BootReading<RawDiskRun> reading = await RawDiskBench.RunOnceAsync(layout, images, deterministic: false, default)
            .WaitAsync(TimeSpan.FromSeconds(15));

        Assert.True(reading.Value is not null, $"{reading.Failure}{reading.Unavailable}\n{reading.Evidence}");
        Assert.True(reading.Value.WriteMbps > 0 && reading.Value.FlushUs > 0, reading.Value.ToString());
        Assert.True(reading.Value.ReadMinimumUs > 0 && reading.Value.ReadMinimumUs <= reading.Value.ReadAverageUs, reading.Value.ToString());
    }
}
