using System;
using System.Linq;
using CapOS.Launcher.Bench;
using Xunit;

namespace CapOS.Launcher.Tests.Bench;

public class IpcBenchTests
{
    private static string[] Recorded => BenchLogs.Lines(BenchLogs.IpcBenchBoot);

    [Fact]
    public void ReadsEveryMeasureAndTheTscRate()
    {
        IpcRun run = IpcBench.Read(Recorded).Value!;

        Assert.Equal(IpcBench.Measures.Order(StringComparer.Ordinal), run.Measures.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(new IpcMeasure(64, 1024, 3918853, 3918853, 3921500), run["round-trip"]);
        Assert.Equal(new IpcMeasure(2048, 1, 2797, 2797, 2800), run["fault-rebuild"]);
        Assert.Equal(999, run.TscMhz);
    }

    [Theory]
    [InlineData("user[2]: ipcbench: round-trip-string ", "no 'ipcbench: round-trip-string n= per= median= min= mean=' line")]
    [InlineData("user[2]: ipcbench: fault-rebuild ", "no 'ipcbench: fault-rebuild n= per= median= min= mean=' line")]
    [InlineData("user[2]: ipcbench: start ", "no 'ipcbench: start' line")]
    [InlineData("timer: hz=", "no 'timer: ... tsc-mhz=' line")]
    public void AMissingLineIsAFailureNamingIt(string dropped, string failure)
    {
        string[] lines = [.. Recorded.Where(l => !l.StartsWith(dropped, StringComparison.Ordinal))];

        Assert.Equal(failure, IpcBench.Read(lines).Failure);
    }

    [Theory]
    [InlineData("user[2]: ipcbench: call-half n=2048 per=1 median=1752 min=1752")]
    [InlineData("user[2]: ipcbench: call-half n=2048 per=0 median=1752 min=1752 mean=1752")]
    [InlineData("user[2]: ipcbench: call-half n=2048 per=1 median=fast min=1752 mean=1752")]
    public void AGarbledMeasureIsAFailureNamingIt(string garbled)
    {
        string[] lines = [.. Recorded.Select(l => l.StartsWith("user[2]: ipcbench: call-half ", StringComparison.Ordinal) ? garbled : l)];

        Assert.Equal("no 'ipcbench: call-half n= per= median= min= mean=' line", IpcBench.Read(lines).Failure);
    }

    [Theory]
    [InlineData("user[2]: ipcbench: failed: round-trip-string result=4")]
    [InlineData("fault: process 2 root=0x1000 invalid address 0x8000000000 (read) pc=0x400123; parked")]
    [InlineData("PANIC: lost")]
    public void ARefusalAParkedProcessOrAPanicFailsTheBoot(string line)
    {
        string[] lines = [.. Recorded, line];

        Assert.Equal(line, IpcBench.Read(lines).Failure);
    }

    [Fact]
    public void DeterministicRowsArePerOperationInstructions()
    {
        IpcRun run = IpcBench.Read(Recorded).Value!;

        var rows = IpcBench.Rows([run, run], deterministic: true);

        Assert.All(rows, r => Assert.Equal("instr", r.Unit));
        Assert.Equal(798725 / 1024.0, rows[0].Median, 6);
        Assert.Equal(3918853 / 1024.0, rows[1].Median, 6);
        Assert.Equal((1752 + 2083) / 2.0 - 798725 / 1024.0, rows.Single(r => r.Measure.StartsWith("directed", StringComparison.Ordinal)).Median, 6);
        Assert.Equal(2797, rows.Single(r => r.Measure.StartsWith("page fault", StringComparison.Ordinal)).Median);
        Assert.StartsWith("64 x 1024, least 3827; target: under 1,000 instructions", rows[1].Note, StringComparison.Ordinal);
    }

    [Fact]
    public void TcgRowsAreMicrosecondsAtTheCalibratedRate()
    {
        IpcRun run = IpcBench.Read(Recorded).Value!;

        var rows = IpcBench.Rows([run], deterministic: false);

        Assert.All(rows, r => Assert.Equal("us", r.Unit));
        Assert.Equal(3918853 / 1024.0 / 999, rows[1].Median, 9);
    }
}
