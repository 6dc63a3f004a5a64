using System;
using CapOS.Launcher.Bench;
using Xunit;

namespace CapOS.Launcher.Tests.Bench;

public class BenchRowTests
{
    [Fact]
    public void MedianMinAndMax()
    {
        var odd = new BenchRow("s", "m", "us", [5, 1, 3]);
        var even = new BenchRow("s", "m", "us", [4, 1, 3, 10]);

        Assert.Equal((3.0, 1.0, 5.0), (odd.Median, odd.Min, odd.Max));
        Assert.Equal(3.5, even.Median);
        Assert.Equal(7, new BenchRow("s", "m", "us", [7]).Median);
    }

    /// <summary>B1: samples or a reason, never both, never neither.</summary>
    [Fact]
    public void B1ARowHasSamplesOrAReason()
    {
        Assert.Throws<ArgumentException>(() => new BenchRow("s", "m", "us", []));
        Assert.Throws<ArgumentException>(() => BenchRow.Unavailable("s", "", " "));

        BenchRow unavailable = BenchRow.Unavailable("s", "", "not available: x");
        Assert.Empty(unavailable.Samples);
        Assert.Equal("not available: x", unavailable.Reason);
        Assert.Null(new BenchRow("s", "m", "us", [1]).Reason);
    }
}
