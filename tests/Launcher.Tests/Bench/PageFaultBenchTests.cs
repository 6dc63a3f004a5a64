using System;
using System.Linq;
using CapOS.Launcher.Bench;
using Xunit;

namespace CapOS.Launcher.Tests.Bench;

public class PageFaultBenchTests
{
    private static readonly FaultRun Recorded = new(new FaultPass(2048, 49306, 17784, 14934), new FaultPass(2048, 420, 276, 266),
        new FaultPass(1024, 16053, 13474, 12140), new FaultPass(1024, 640, 644, 368), 2324, 507357291, 68658, 412.5);

    [Fact]
    public void ReadsEveryPassTheTscRateAndTheBootFigures()
    {
        var reading = PageFaultBench.Read(BenchLogs.Lines(BenchLogs.FaultBenchBoot), TimeSpan.FromMilliseconds(412.5));

        Assert.Equal(Recorded, reading.Value);
    }

    [Theory]
    [InlineData("user[1]: faultbench: write-fault ", "no 'faultbench: write-fault pages=N mean= median= min=' line")]
    [InlineData("user[1]: faultbench: start ", "no 'faultbench: start' line")]
    [InlineData("timer: hz=", "no 'timer: ... tsc-mhz=' line")]
    [InlineData("store: recovered in", "no 'store: recovered in' line")]
    public void AMissingLineIsAFailureNamingIt(string dropped, string failure)
    {
        string[] lines = [.. BenchLogs.Lines(BenchLogs.FaultBenchBoot).Where(l => !l.StartsWith(dropped, StringComparison.Ordinal))];

        Assert.Equal(failure, PageFaultBench.Read(lines, TimeSpan.Zero).Failure);
    }

    [Fact]
    public void APassLineWithoutItsFiguresIsNotAPass()
    {
        string[] lines = [.. BenchLogs.Lines(BenchLogs.FaultBenchBoot)
            .Select(l => l.StartsWith("user[1]: faultbench: read ", StringComparison.Ordinal) ? "user[1]: faultbench: read pages=2048 mean=420" : l)];

        Assert.Equal("no 'faultbench: read pages=N mean= median= min=' line", PageFaultBench.Read(lines, TimeSpan.Zero).Failure);
    }

    [Theory]
    [InlineData("fault: process 1 root=0x1000 invalid address 0x1400000 (read) pc=0x400123; parked")]
    [InlineData("PANIC: lost")]
    public void AParkedProcessOrAPanicFailsTheBoot(string line)
    {
        string[] lines = [.. BenchLogs.Lines(BenchLogs.FaultBenchBoot), line];

        Assert.Equal(line, PageFaultBench.Read(lines, TimeSpan.Zero).Failure);
    }

    [Fact]
    public void RowsAreMediansInMicrosecondsWithTheMeanInTheNote()
    {
        var rows = PageFaultBench.Rows([Recorded, Recorded with { HostMs = 500 }]);

        Assert.Equal(
        [
            "read fault, first touch of a zero page, median", "write fault, cached page mapped read-only, median",
            "mapped read, no fault, median", "mapped write, no fault, median",
            "QEMU start to process running (host)", "reset to process running (guest)", "reset to store recovered (guest)",
        ], rows.Select(r => r.Measure));
        Assert.Equal(17784 / 2324.0, rows[0].Median, 6);
        Assert.Equal("2048 pages, mean 21.2 us; object fault + walk + entry", rows[0].Note);
        Assert.Equal("1024 pages, mean 6.91 us; walk + dirty + entry rebuilt", rows[1].Note);
        Assert.Equal([412.5, 500], rows[4].Samples);
        Assert.Equal(507357291 / 2324.0 / 1000, rows[5].Median, 6);
        Assert.Equal(68.658, rows[6].Median, 6);
    }

    [Fact]
    public void FieldsAreReadByNameAndWordsWithoutNumbersIgnored() =>
        Assert.Equal(new[] { ("mean", 3.5), ("min", 2.0) },
            PageFaultBench.Fields("mean=3.5 extra=word min=2 lone").Select(f => (f.Key, f.Value)).OrderBy(f => f.Key));
}
