using System.Collections.Generic;
using CapOS.Launcher.Bench;
using Xunit;

namespace CapOS.Launcher.Tests.Bench;

public class CheckpointSampleTests
{
    [Fact]
    public void ReadsEveryNumericFieldByNameInLineOrder()
    {
        CheckpointSample sample = CheckpointSample.Parse(
            "bench: checkpoint dirty=256 pause-us=310 stabilize-us=9000 stabilize-mbps=116.5 extra=word migrate-us=15000 migrate-mbps=69.9 rounds=2")!;

        Assert.Equal(256, sample.Dirty);
        Assert.Equal(
            [KV("pause-us", 310), KV("stabilize-us", 9000), KV("stabilize-mbps", 116.5), KV("migrate-us", 15000), KV("migrate-mbps", 69.9), KV("rounds", 2)],
            sample.Fields);
    }

    [Fact]
    public void FieldsMayComeInAnyOrderAndDirtyNeedNotBeFirst()
    {
        CheckpointSample sample = CheckpointSample.Parse("bench: checkpoint pause-us=7 dirty=3")!;

        Assert.Equal(3, sample.Dirty);
        Assert.Equal([KV("pause-us", 7)], sample.Fields);
    }

    [Theory]
    [InlineData("bench: checkpoint done")]
    [InlineData("bench: checkpoint skipped: log too small dirty=4")]
    [InlineData("bench: checkpoint pause-us=7")]
    [InlineData("bench: checkpoint dirty=x pause-us=7")]
    [InlineData("bench: checkpoint dirty=-4 pause-us=7")]
    [InlineData("checkpoint: snapshot seq=2 dirty=1 pause-us=5")]
    [InlineData("xbench: checkpoint dirty=1 pause-us=5")]
    public void OtherLinesAreNotSamples(string line) => Assert.Null(CheckpointSample.Parse(line));

    [Theory]
    [InlineData("pause-us", "snapshot pause", "us")]
    [InlineData("stabilize-mbps", "stabilization throughput", "MB/s")]
    [InlineData("migrate-mbps", "migration throughput", "MB/s")]
    [InlineData("commit-us", "commit", "us")]
    [InlineData("walk-ms", "walk", "ms")]
    [InlineData("copy-mbps", "copy", "MB/s")]
    [InlineData("rounds", "rounds", "")]
    public void KnownFieldsGetLabelsOthersTheirSuffixUnit(string field, string label, string unit) =>
        Assert.Equal((label, unit), CheckpointSample.Describe(field));

    private static KeyValuePair<string, double> KV(string name, double value) => new(name, value);
}
