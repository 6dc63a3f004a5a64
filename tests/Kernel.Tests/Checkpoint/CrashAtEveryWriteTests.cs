using CapOS.Kernel.Host;
using Xunit;

namespace CapOS.Kernel.Tests.Checkpoint;

/// <summary>
/// Cuts the power after every single disk write of a scripted run of checkpoints in turn
/// (issue #4 item 6) and checks that recovery yields exactly the last committed checkpoint.
/// </summary>
public sealed class CrashAtEveryWriteTests
{
    // Varied checkpoints: data pages, zero pages, rescinds, node pots, tag pots, an empty one.
    private static readonly int[] Script = [14, 0, 30, 3, 22, 9];

    [Fact]
    public void EveryCutRecoversTheLastCommittedCheckpoint() =>
        ForEveryCut(_ => { }, continueAfter: true);

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(5)]
    [InlineData(6)]
    [InlineData(7)]
    public void EveryTornLastWriteRecoversTheLastCommittedCheckpoint(int sectors) =>
        ForEveryCut(disk => disk.TornSectors = sectors, continueAfter: false);

    [Fact]
    public void EveryCutDroppingUnflushedWritesRecoversTheLastFlushedCommit() =>
        ForEveryCut(disk => disk.LossModel = PowerLossModel.DropUnflushedWrites, continueAfter: false);

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void EveryCutScramblingUnflushedWritesRecoversTheLastFlushedCommit(int seed) =>
        ForEveryCut(
            disk =>
            {
                disk.LossModel = PowerLossModel.ScrambleUnflushedWrites;
                disk.Seed = seed;
            },
            continueAfter: false);

    private static void ForEveryCut(System.Action<SimulatedDisk> configure, bool continueAfter)
    {
        byte[] image = CheckpointTestVolume.Build();
        var start = new WriterTestModel();
        var dry = new WriterTestScript(42, Script);
        using (var rig = new WriterTestRig((byte[])image.Clone()))
        {
            dry.Run(rig, start);
        }

        Assert.True(dry.TotalWrites > 100, $"script too small: {dry.TotalWrites} writes");
        Assert.Equal(Script.Length + 1, dry.Expected.Count);
        for (long cut = 1; cut <= dry.TotalWrites; cut++)
        {
            dry.CheckCut(image, start, cut, configure, continueAfter);
        }
    }
}
