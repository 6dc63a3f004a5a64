using System;
using CapOS.Kernel.Checkpoint;
using CapOS.Kernel.Host;
using Xunit;

namespace CapOS.Kernel.Tests.Checkpoint;

/// <summary>
/// Crashes nobody scripted (H13): a crash during the re-migration recovery does, repeated crash
/// loops where each recovery continues the previous one, and a crash at every write of the first
/// checkpoints after a recovery from either slot, migrated or not. The oracles are
/// <see cref="WriterTestOracle"/> (independent of the kernel code) and <see cref="StoreView"/> (the kernel's
/// own Store.Recover and object faults); the expectation is the script's record.
/// </summary>
public sealed class CrashLoopTests
{
    private static readonly int[] Script = [14, 0, 30, 3];

    /// <summary>A disk whose chosen header is <paramref name="checkpoints"/> + 1, unmigrated or migrated, and its objects.</summary>
    internal static (byte[] Disk, WriterTestModel Model) Prepared(int checkpoints, bool migrated)
    {
        byte[] image = CheckpointTestVolume.Build();
        int[] mutations = Script[..checkpoints];
        var dry = new WriterTestScript(7, mutations);
        using (var rig = new WriterTestRig((byte[])image.Clone()))
        {
            dry.Run(rig, new WriterTestModel());
        }

        ulong last = 1 + (ulong)checkpoints;
        long cut = migrated ? dry.TotalWrites : dry.HeaderWrite[last];
        using var crashed = new WriterTestRig((byte[])image.Clone(), disk => disk.PowerCutAfterWrite = cut);
        Assert.Throws<PowerLossException>(() => new WriterTestScript(7, mutations).Run(crashed, new WriterTestModel()));
        byte[] surviving = crashed.Disk.SurvivingImage();
        WriterTestOracle.Read(surviving, out ulong sequence, out bool isMigrated);
        Assert.Equal(last, sequence);
        Assert.Equal(migrated, isMigrated);
        return (surviving, dry.Expected[last]);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(3)]
    [InlineData(8)]
    public void ACrashAtEveryWriteOfTheReMigrationRecoversTheSameCheckpoint(int tornSectors)
    {
        (byte[] disk, WriterTestModel model) = Prepared(3, migrated: false);
        long writes;
        using (var dry = new WriterTestRig((byte[])disk.Clone()))
        {
            dry.Recover();
            writes = dry.Disk.WriteCount;
        }

        // Runs of consecutive images are one home write each (Migrator I4), torn like any other.
        Assert.True(writes > 5, $"re-migration made only {writes} writes");
        for (long cut = 1; cut <= writes; cut++)
        {
            byte[] surviving;
            using (var rig = new WriterTestRig((byte[])disk.Clone(), d =>
            {
                d.PowerCutAfterWrite = cut;
                d.TornSectors = tornSectors == 0 ? null : tornSectors;
            }))
            {
                Assert.Throws<PowerLossException>(() => rig.Recover());
                surviving = rig.Disk.SurvivingImage();
            }

            WriterTestModel seen = WriterTestOracle.Read(surviving, out ulong sequence, out _);
            Assert.True(sequence == 4, $"cut {cut}: recovered {sequence}");
            Assert.True(model.SameObjects(seen, out string why), $"cut {cut}: {why}");
            StoreView.AssertRecovers(surviving, model, 4, $"cut {cut}");
            WriterTests.AssertRecovers(AfterRecovery(surviving), model, 4, migrated: true);
        }
    }

    [Theory]
    [InlineData(1, false)]
    [InlineData(1, true)]
    [InlineData(2, false)]
    [InlineData(2, true)]
    public void ACrashAtEveryWriteOfTheFirstCheckpointsAfterARecoveryRecoversTheLastCommit(int checkpoints, bool migrated)
    {
        (byte[] disk, WriterTestModel model) = Prepared(checkpoints, migrated);
        var dry = new WriterTestScript(11, [9, 5]);
        using (var rig = new WriterTestRig((byte[])disk.Clone()))
        {
            dry.Run(rig, model);
        }

        for (long cut = 1; cut <= dry.TotalWrites; cut++)
        {
            dry.CheckCut(disk, model, cut, _ => { }, continueAfter: true);
        }
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    public void RepeatedCrashesAtRandomWritesEachRecoveryContinuesThePrevious(int seed)
    {
        var random = new Random(seed);
        byte[] disk = CheckpointTestVolume.Build();
        var model = new WriterTestModel();
        WriterTestOracle.Read(disk, out ulong sequence, out _);
        for (int round = 0; round < 12; round++)
        {
            int[] mutations = [random.Next(1, 30), random.Next(0, 20), random.Next(1, 30)];
            int scriptSeed = random.Next();
            var dry = new WriterTestScript(scriptSeed, mutations);
            using (var rig = new WriterTestRig((byte[])disk.Clone()))
            {
                dry.Run(rig, model);
            }

            long cut = random.NextInt64(1, dry.TotalWrites + 1);
            PowerLossModel loss = (PowerLossModel)random.Next(3);
            int? torn = random.Next(2) == 0 ? null : random.Next(8);
            int lossSeed = random.Next();
            byte[] surviving;
            using (var rig = new WriterTestRig((byte[])disk.Clone(), d =>
            {
                d.PowerCutAfterWrite = cut;
                d.TornSectors = torn;
                d.LossModel = loss;
                d.Seed = lossSeed;
            }))
            {
                Assert.Throws<PowerLossException>(() => new WriterTestScript(scriptSeed, mutations).Run(rig, model));
                surviving = rig.Disk.SurvivingImage();
            }

            string where = $"seed {seed} round {round} cut {cut}/{dry.TotalWrites} {loss} torn {torn}";
            ulong expected = dry.ExpectedAfterCut(cut, surviving, sequence);
            WriterTestModel seen = WriterTestOracle.Read(surviving, out ulong chosen, out _);
            Assert.True(expected == chosen, $"{where}: recovered {chosen}, expected {expected}");
            Assert.True(dry.Expected[expected].SameObjects(seen, out string why), $"{where}: {why}");
            StoreView.AssertRecovers(surviving, dry.Expected[expected], expected, where);
            disk = surviving;
            model = dry.Expected[expected].Clone();
            sequence = chosen;
        }

        WriterTests.AssertRecovers(AfterRecovery(disk), model, sequence, migrated: true);
    }

    /// <summary>The disk after a full recovery (re-migration completed) of <paramref name="disk"/>.</summary>
    internal static byte[] AfterRecovery(byte[] disk)
    {
        using var rig = new WriterTestRig((byte[])disk.Clone());
        rig.Recover();
        return (byte[])rig.Disk.Image.Clone();
    }
}
