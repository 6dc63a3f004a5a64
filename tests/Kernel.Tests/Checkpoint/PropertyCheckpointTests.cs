using System;
using System.Linq;
using CapOS.Kernel.Host;
using Xunit;

namespace CapOS.Kernel.Tests.Checkpoint;

/// <summary>
/// Seeded random runs: random mutations and checkpoints, a power cut at a random write with a
/// random loss model, recovery, more checkpoints from the recovered state, another cut, and so on.
/// Every recovery must give exactly the last committed checkpoint (issue #4 item 6).
/// </summary>
public sealed class PropertyCheckpointTests
{
    public static TheoryData<int> Seeds => [.. Enumerable.Range(1, 24)];

    [Theory]
    [MemberData(nameof(Seeds))]
    public void RandomRunsWithCrashesAlwaysRecoverTheLastCommittedCheckpoint(int seed)
    {
        var random = new Random(seed);
        byte[] disk = CheckpointTestVolume.Build();
        var model = new WriterTestModel();
        for (int round = 0; round < 4; round++)
        {
            int[] mutations = [.. Enumerable.Range(0, 1 + random.Next(6)).Select(_ => random.Next(40))];
            var script = new WriterTestScript(random.Next(), mutations);
            using (var dry = new WriterTestRig((byte[])disk.Clone()))
            {
                script.Run(dry, model);
                WriterTests.AssertRecovers(dry.Disk.Image, script.Expected[Kernel.Checkpoint.Generation.Sequence], Kernel.Checkpoint.Generation.Sequence, migrated: true);
            }

            long cut = 1 + random.NextInt64(script.TotalWrites);
            Action<SimulatedDisk> configure = Loss(random.Next(4), random.Next(1, 8), random.Next());
            (disk, model) = script.CheckCut(disk, model, cut, configure, continueAfter: random.Next(2) == 0);
        }
    }

    private static Action<SimulatedDisk> Loss(int kind, int torn, int seed) => kind switch
    {
        0 => _ => { },
        1 => disk => disk.TornSectors = torn,
        2 => disk => disk.LossModel = PowerLossModel.DropUnflushedWrites,
        _ => disk =>
        {
            disk.LossModel = PowerLossModel.ScrambleUnflushedWrites;
            disk.Seed = seed;
        },
    };
}
