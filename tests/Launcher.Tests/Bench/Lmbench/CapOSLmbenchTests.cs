using System.Collections.Generic;
using CapOS.Launcher.Bench;
using CapOS.Launcher.Bench.Lmbench;
using Xunit;

namespace CapOS.Launcher.Tests.Bench.Lmbench;

public class CapOSLmbenchTests
{
    [Fact]
    public void ContractLinesAreReadByFieldName()
    {
        string[] lines =
        [
            "timer: hz=100 tsc-mhz=999",
            "user[3]: lmbench: row=heap-growth median-ticks=20000 extra=1 n=256 min-ticks=18000",
            "lmbench: row=pipe-bandwidth bytes=8388608 ticks=4000000",
            "user[3]: lmbench: done",
        ];

        var (figures, error) = CapOSLmbench.ReadContract(lines);

        Assert.Null(error);
        Assert.Equal(new CapOSFigure(256, 18000, 20000), figures!["heap-growth"]);
        Assert.Equal(new CapOSFigure(0, 4000000, 4000000, 8388608), figures["pipe-bandwidth"]);
    }

    [Theory]
    [InlineData("lmbench: row=proc-create n=0 min-ticks=1 median-ticks=2")]
    [InlineData("lmbench: row=proc-create n=100 median-ticks=2")]
    [InlineData("lmbench: row=proc-create n=100 min-ticks=fast median-ticks=2")]
    [InlineData("lmbench: row=made-up n=100 min-ticks=1 median-ticks=2")]
    public void AGarbledRowLineIsAnError(string line)
    {
        var (figures, error) = CapOSLmbench.ReadContract([line, "lmbench: done"]);

        Assert.Null(figures);
        Assert.Contains("lmbench: row=", error);
    }

    [Fact]
    public void NoDoneLineIsAnError()
    {
        var (figures, error) = CapOSLmbench.ReadContract(["lmbench: row=proc-create n=100 min-ticks=1 median-ticks=2"]);

        Assert.Null(figures);
        Assert.Equal("no 'lmbench: done' line", error);
    }

    private static readonly string[] Pipe =
    [
        "timer: hz=100 tsc-mhz=999",
        "user[4]: pipebench: start",
        "user[4]: pipebench: latency round-trips=2000 mean=9000 min=8000",
        "user[4]: pipebench: bandwidth bytes=8388608 chunk=4096 ticks=16777216",
        "user[4]: pipebench: bandwidth bytes=8388608 chunk=65536 ticks=8388608",
        "user[4]: pipebench: done",
        "user[5]: pipebench: sink bytes=8388608 eof",
    ];

    [Fact]
    public void PipeBenchLinesBecomeTheThreePipeRows()
    {
        var (figures, error) = CapOSLmbench.FromPipe(Pipe);

        Assert.Null(error);
        Assert.Equal(new CapOSFigure(2000, 8000, 9000), figures!["pipe-latency"]);
        Assert.Equal(new CapOSFigure(0, 16777216, 16777216, 8388608), figures["pipe-bandwidth"]);
        Assert.Equal(new CapOSFigure(0, 8388608, 8388608, 8388608), figures["pipe-bandwidth-64k"]);
    }

    [Theory]
    [InlineData("user[4]: pipebench: latency", "no 'pipebench: latency' line")]
    [InlineData("user[4]: pipebench: bandwidth", "no 'pipebench: bandwidth ... chunk=4096' line")]
    [InlineData("user[4]: pipebench: bandwidth bytes=8388608 chunk=65536", "no 'pipebench: bandwidth ... chunk=65536' line")]
    [InlineData("user[4]: pipebench: done", "no 'pipebench: done' line")]
    public void AMissingPipeLineIsNamed(string dropped, string error)
    {
        var (figures, why) = CapOSLmbench.FromPipe([.. System.Linq.Enumerable.Where(Pipe, l => !l.StartsWith(dropped, System.StringComparison.Ordinal))]);

        Assert.Null(figures);
        Assert.Equal(error, why);
    }

    [Fact]
    public void IpcBenchMeasuresBecomePerOperationFiguresAndTheSwitchIsDerived()
    {
        var measures = new Dictionary<string, IpcMeasure>
        {
            ["null-invocation"] = new(64, 1024, 780 * 1024, 770 * 1024, 781 * 1024),
            ["round-trip"] = new(64, 1024, 3827 * 1024, 3800 * 1024, 3830 * 1024),
            ["call-half"] = new(2048, 1, 1752, 1700, 1760),
            ["return-half"] = new(2048, 1, 2083, 2000, 2090),
            ["fault-rebuild"] = new(2048, 1, 2797, 2700, 2800),
        };

        Dictionary<string, CapOSFigure> figures = CapOSLmbench.FromIpc(new IpcRun(measures, 999));

        Assert.Equal(new CapOSFigure(65536, 770, 780), figures["null-call"]);
        Assert.Equal(new CapOSFigure(65536, 3800, 3827), figures["ipc-rt"]);
        Assert.Equal(new CapOSFigure(2048, 2797, 2797), figures["page-fault"] with { MinTicks = 2797 });
        Assert.Equal((1752 + 2083) / 2.0 - 780, figures["ctx-switch"].MedianTicks);
        Assert.Equal((1700 + 2000) / 2.0 - 770, figures["ctx-switch"].MinTicks);
    }
}
