using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Xml.Linq;
using CapOS.Launcher.Bench;
using CapOS.Launcher.Bench.Lmbench;
using Xunit;

namespace CapOS.Launcher.Tests.Bench.Lmbench;

public class LmbenchTableTests
{
    private static readonly BenchEnvironment Environment = new("QEMU emulator version 7.2.22", "TCG, -icount shift=0", "Xeon (2 logical CPUs)");

    /// <summary>Two CapOS runs (icount ticks) and one Linux run (microseconds, MB/s); heap and process creation not built.</summary>
    internal static IReadOnlyList<LmbenchLine> Lines(bool deterministic, double mhz = 1000)
    {
        var capos = new Dictionary<string, CapOSFigure>(StringComparer.Ordinal)
        {
            ["null-call"] = new(65536, 150, 163),
            ["ipc-rt"] = new(65536, 900, 950),
            ["ctx-switch"] = new(2048, 400, 413),
            ["page-fault"] = new(2048, 200, 212.2),
            ["pipe-latency"] = new(2000, 9000, 10368),
            ["pipe-bandwidth"] = new(0, 4_000_000, 4_000_000, 8_388_608),
            ["pipe-bandwidth-64k"] = new(0, 8_000_000, 8_000_000, 8_388_608),
        };
        var linux = new LinuxRun(new Dictionary<string, double>(StringComparer.Ordinal)
        {
            ["null-call"] = 0.327, ["ctx-switch"] = 4.13, ["page-fault"] = 1.061, ["heap-growth"] = 50, ["fork"] = 374.7,
            ["proc-create"] = 1260.8, ["pipe-latency"] = 12.96, ["pipe-bandwidth"] = 1309,
            ["pipe-bandwidth-64k"] = 1309,
        });
        var reasons = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["heap-growth"] = "not built yet: system/heapbench.sys (artifacts/images/heapbench.img) does not exist in this tree",
            ["heap-growth-page"] = "not built yet: system/heapbench.sys (artifacts/images/heapbench.img) does not exist in this tree",
            ["proc-create"] = "not built yet: system/procbench.sys (artifacts/images/procbench.img) does not exist in this tree",
        };
        return LmbenchLine.Combine([(capos, mhz), (capos, mhz)], reasons, [linux], null, deterministic);
    }

    [Fact]
    public void UnderIcountLatenciesAreInstructionsAndLinuxMicrosecondsAreThousands()
    {
        LmbenchLine nullCall = Lines(deterministic: true).Single(l => l.Spec.Id == "null-call");

        Assert.Equal("instr", nullCall.CapOS.Unit);
        Assert.Equal(163, nullCall.CapOS.Median);
        Assert.Equal(327, nullCall.Linux.Median, 6);
        Assert.Equal(163 / 327.0, nullCall.Ratio!.Value, 6);
        Assert.True(nullCall.Met(deterministic: true));
    }

    [Fact]
    public void HeapGrowthIsPerMappingLikeLatMmapAndThePerPageRowHasNoLinuxFigureNorVerdict()
    {
        var capos = new Dictionary<string, CapOSFigure>(StringComparer.Ordinal)
        {
            ["heap-growth"] = new(64, 600_000, 613_961),
            ["heap-growth-page"] = new(256, 23_253, 23_803),
        };
        var linux = new LinuxRun(new Dictionary<string, double>(StringComparer.Ordinal) { ["heap-growth"] = 39 });
        IReadOnlyList<LmbenchLine> lines = LmbenchLine.Combine([(capos, 2000)], new Dictionary<string, string>(), [linux], null, deterministic: true);

        LmbenchLine mapping = lines.Single(l => l.Spec.Id == "heap-growth");
        Assert.Equal(613_961, mapping.CapOS.Median); // one mapping, not scaled
        Assert.Equal(39_000, mapping.Linux.Median, 6);
        Assert.Equal(613_961 / 39_000.0, mapping.Ratio!.Value, 6);
        Assert.False(mapping.Met(deterministic: true));

        LmbenchLine page = lines.Single(l => l.Spec.Id == "heap-growth-page");
        Assert.Equal(23_803, page.CapOS.Median);
        Assert.Equal("no Linux counterpart", page.Linux.Reason);
        Assert.Null(page.Ratio);
        Assert.Null(page.Met(deterministic: true));
        string table = LmbenchTable.Render(Environment, 1, true, lines, []);
        Assert.Matches(@"heap-growth-page\s+instr\s+23803\s+-\s+-\s+0\.643x\s+-\s+-$", table.Split('\n').Single(l => l.StartsWith("heap-growth-page ", StringComparison.Ordinal)));
    }

    [Fact]
    public void BandwidthIsMegabytesPerSecondAndItsTargetIsALowerBound()
    {
        LmbenchLine bandwidth = Lines(deterministic: true).Single(l => l.Spec.Id == "pipe-bandwidth");

        Assert.Equal(8_388_608 / 4000.0, bandwidth.CapOS.Median, 6); // bytes per microsecond = MB/s
        Assert.Equal(8_388_608 / 4000.0 / 1309, bandwidth.Ratio!.Value, 6);
        Assert.True(bandwidth.Met(deterministic: true)); // 1.60x >= 1.1x
        Assert.Equal(1309 / (8_388_608 / 4000.0), bandwidth.TimeRatio!.Value, 6);
    }

    [Fact]
    public void TheIpcRowIsJudgedOnInstructionsAndOnlyUnderIcount()
    {
        Assert.True(Lines(deterministic: true).Single(l => l.Spec.Id == "ipc-rt").Met(deterministic: true));
        Assert.Null(Lines(deterministic: false).Single(l => l.Spec.Id == "ipc-rt").Met(deterministic: false));
    }

    [Fact]
    public void TheTableSaysWhatTheFiguresAreAndWhyARowIsMissing()
    {
        string icount = LmbenchTable.Render(Environment, 2, true, Lines(true), ["chart: artifacts/bench/lmbench.svg"]);
        string tcg = LmbenchTable.Render(Environment, 2, false, Lines(false), []);

        Assert.Contains("INSTRUCTION COUNTS under icount", icount, StringComparison.Ordinal);
        Assert.Contains("TCG WALL CLOCK", tcg, StringComparison.Ordinal);
        string header = icount.Split('\n').Single(l => l.StartsWith("test ", StringComparison.Ordinal));
        foreach (string column in new[] { "CapOS", "Linux", "ratio", "EROS'99", "target", "met" })
        {
            Assert.Contains(column, header, StringComparison.Ordinal);
        }
        string nullRow = icount.Split('\n').Single(l => l.StartsWith("null-call ", StringComparison.Ordinal));
        Assert.Matches(@"null-call\s+instr\s+163\s+327\s+0\.50x\s+2\.286x\s+<= 1\.0x\s+yes$", nullRow);
        Assert.Contains("heap-growth, CapOS: not built yet: system/heapbench.sys", icount, StringComparison.Ordinal);
        Assert.Matches(@"proc-create\s+instr\s+n/a\s+1260800\s+-", icount);
    }

    [Fact]
    public void TcgFiguresShowTheirSpread()
    {
        var slow = new Dictionary<string, CapOSFigure> { ["null-call"] = new(1, 2000, 2000) };
        var fast = new Dictionary<string, CapOSFigure> { ["null-call"] = new(1, 1000, 1000) };
        IReadOnlyList<LmbenchLine> lines = LmbenchLine.Combine([(slow, 1000), (fast, 1000), (fast, 1000)],
            new Dictionary<string, string>(), [], "no guest", deterministic: false);

        string table = LmbenchTable.Render(Environment, 3, false, lines, []);

        Assert.Matches(@"null-call\s+us\s+1\.00 \(1\.00-2\.00\)\s+n/a", table);
        Assert.Contains("null-call, Linux: no guest", table, StringComparison.Ordinal);
    }

    [Fact]
    public void TheChartIsValidSvgWithBarsNormalisedToLinux()
    {
        IReadOnlyList<LmbenchLine> lines = Lines(deterministic: true);

        XDocument svg = XDocument.Parse(LmbenchChart.Render(lines, "icount <test> & co"));

        XNamespace ns = "http://www.w3.org/2000/svg";
        Assert.Equal(ns + "svg", svg.Root!.Name);
        var linux = svg.Descendants(ns + "line").Single(l => (string?)l.Attribute("class") == "linux");
        double baseline = double.Parse(svg.Descendants(ns + "line").First().Attribute("y1")!.Value, CultureInfo.InvariantCulture);
        double unit = baseline - double.Parse(linux.Attribute("y1")!.Value, CultureInfo.InvariantCulture);
        var bars = svg.Descendants(ns + "rect").Where(r => (string?)r.Attribute("class") == "capos").ToList();
        var drawn = lines.Where(l => l.TimeRatio is not null).ToList();
        Assert.Equal(drawn.Count, bars.Count);
        Assert.DoesNotContain(drawn, l => l.Spec.Id is "heap-growth" or "ipc-rt"); // one side missing: not drawn
        for (int i = 0; i < bars.Count; i++)
        {
            double height = double.Parse(bars[i].Attribute("height")!.Value, CultureInfo.InvariantCulture);
            double expected = Math.Min(drawn[i].TimeRatio!.Value, LmbenchChart.Ceiling);
            Assert.Equal(expected, height / unit, 2);
        }
    }
}
