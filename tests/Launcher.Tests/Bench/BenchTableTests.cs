using System.Collections.Generic;
using System.Linq;
using CapOS.Launcher.Bench;
using CapOS.TestSupport;
using Xunit;

namespace CapOS.Launcher.Tests.Bench;

public class BenchTableTests
{
    private static readonly BenchEnvironment Environment =
        new("QEMU emulator version 7.2.22", BenchEnvironment.AcceleratorText(deterministic: false), "Intel(R) Xeon(R) Processor (2 logical CPUs)");

    [Fact]
    public void EveryPhaseMeasured()
    {
        var raw = RawDiskBench.Rows([new RawDiskRun(93.82, 11633.6, 39.7, 33.8), new RawDiskRun(242, 3288, 36.6, 21.9), new RawDiskRun(157, 1698, 28.5, 21.1)]);
        var checkpoint = CheckpointBench.Rows([CheckpointBench.Read(BenchLogs.Lines(BenchLogs.CheckpointBench)).Value!], rawWriteMbps: 157);
        var recovery = RecoveryBench.Rows([new RecoveryRun(412.5, 18250, 66020, 7, 1234) { Pauses = [new MutatorPause(29, 2999)] }, new RecoveryRun(398.25, 17000, 64000, 7, 1100)]);

        Snapshot.Verify(BenchTable.Render(Environment, 3, deterministic: false, [.. raw, .. checkpoint, .. recovery]));
    }

    [Fact]
    public void PhasesThatCouldNotRunSayWhy()
    {
        List<BenchRow> rows =
        [
            .. RawDiskBench.Rows([new RawDiskRun(93.82, 11633.6, 39.7, 33.8)]),
            BenchRow.Unavailable(CheckpointBench.Section, "", "not available: the kernel printed no 'bench: checkpoint dirty=...' line"),
            .. RecoveryBench.Rows([new RecoveryRun(412.5, 18250, 66020, 7, 1234)]),
            BenchRow.Unavailable(RecoveryBench.Section, "", "boot failed (run 2): PANIC: lost; log: artifacts/bench/recovery-run2.log"),
        ];

        Snapshot.Verify(BenchTable.Render(Environment, 2, deterministic: false, rows));
    }

    [Fact]
    public void DeterministicRunsSayGuestTimeCountsInstructions()
    {
        var environment = Environment with { Accelerator = BenchEnvironment.AcceleratorText(deterministic: true) };

        Snapshot.Verify(BenchTable.Render(environment, 1, deterministic: true, RawDiskBench.Rows([new RawDiskRun(1200, 80, 4.5, 4.25)])));
    }

    [Fact]
    public void TheTitleNamesTheSuite()
    {
        var rows = PageFaultBench.Rows([PageFaultBench.Read(BenchLogs.Lines(BenchLogs.FaultBenchBoot), System.TimeSpan.FromMilliseconds(400)).Value!]);

        string text = BenchTable.Render(Environment, 1, false, rows, BenchVerb.Verb(BenchSuite.Faults));

        Assert.StartsWith("capos bench faults: up to 1 run per phase\n", text, System.StringComparison.Ordinal);
        Assert.Contains("  read fault, first touch of a zero page, median", text, System.StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(1234.5, "1235")]
    [InlineData(123.45, "123")]
    [InlineData(12.345, "12.3")]
    [InlineData(1.2345, "1.23")]
    [InlineData(0, "0.00")]
    public void FiguresKeepAboutThreeDigits(double value, string text) => Assert.Equal(text, BenchTable.Format(value));

    [Fact]
    public void RowsOfASectionStayTogetherUnderOneHeading()
    {
        string text = BenchTable.Render(Environment, 1, false,
        [
            .. RawDiskBench.Rows([new RawDiskRun(1, 1, 1, 1)]),
            BenchRow.Unavailable(RawDiskBench.Section, "", "boot failed (run 2): x"),
        ]);

        Assert.Equal(1, text.Split('\n').Count(line => line == RawDiskBench.Section));
    }
}
