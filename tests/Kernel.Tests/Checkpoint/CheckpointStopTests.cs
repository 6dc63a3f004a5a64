using System;
using System.Linq;
using CapOS.Kernel.Checkpoint;
using Xunit;

namespace CapOS.Kernel.Tests.Checkpoint;

/// <summary>
/// Write errors the guest sees (issue 9 contract K4, Checkpointer I4): a persistent error at any write of a
/// checkpoint (log, directory, header, migration) or of the boot's redo of migration is retried, then stops
/// checkpointing loudly, the stopped line repeating once per interval; the next boot with a good disk recovers
/// at least the last committed checkpoint, through the kernel's own recovery.
/// </summary>
public sealed class CheckpointStopTests
{
    private static readonly VolumeBuilder Layout = new();

    private static void Change(byte value)
    {
        for (ulong i = 1; i <= 12; i++)
        {
            Assert.True(CheckpointerTestRig.WritePage(Layout.PageOid(i), value));
        }

        Assert.True(CheckpointerTestRig.SetNumber(Layout.NodeOid(3), 0, value));
    }

    private static int Count(string console, string start) =>
        console.Split('\n').Count(line => line.StartsWith(start, StringComparison.Ordinal));

    [Fact]
    public void APersistentWriteErrorAnywhereStopsCheckpointingLoudlyAndTheNextBootRecoversTheLastCommit()
    {
        byte[] image = new VolumeBuilder().Build();
        long writes;
        using (var dry = new CheckpointerTestRig((byte[])image.Clone()))
        {
            long before = dry.Disk.WriteCount;
            Change(7);
            CheckpointerTestRig.Checkpoint();
            writes = dry.Disk.WriteCount - before;
        }

        Assert.True(writes > 10, $"only {writes} writes");
        for (long k = 1; k <= writes; k++)
        {
            byte[] survived;
            ulong committed;
            using (var rig = new CheckpointerTestRig((byte[])image.Clone()))
            {
                rig.Disk.FailWritesFrom = rig.Disk.WriteCount + k;
                Change(7);
                ulong sequence = Checkpointer.TakeCheckpoint();
                Assert.Equal(2ul, sequence);
                Checkpointer.Drain();
                string console = rig.Machine.ConsoleText;
                Assert.True(Checkpointer.Stopped, $"write {k}: not stopped\n{console}");
                Assert.Contains("checkpoint: write error seq=2 what=", console);
                Assert.Equal(1, Count(console, "checkpoint: stopped seq=2: "));
                Assert.DoesNotContain("checkpoint: failed", console);
                committed = Generation.Sequence;
                Assert.Contains($"; last committed seq={committed}\n", console);
                Assert.Equal(CheckpointNowResult.Stopped, Checkpointer.TryCheckpointNow(out _));
                rig.Machine.AdvanceTicks(rig.Machine.TimerHz);
                Checkpointer.Pump();
                rig.Machine.AdvanceTicks(rig.Machine.TimerHz);
                Checkpointer.Pump();
                Assert.Equal(3, Count(rig.Machine.ConsoleText, "checkpoint: stopped seq=2: "));
                survived = rig.Disk.SurvivingImage();
            }

            using var good = new CheckpointerTestRig(survived);
            Assert.True(good.Recovered >= committed, $"write {k}: recovered {good.Recovered} < committed {committed}");
            byte expected = good.Recovered >= 2 ? (byte)7 : (byte)0;
            Assert.Equal(expected, CheckpointerTestRig.PageByte(Layout.PageOid(5)));
            Assert.Equal((uint)expected, CheckpointerTestRig.NumberAt(Layout.NodeOid(3), 0));
            Change(9);
            CheckpointerTestRig.Checkpoint(); // and the system commits again
        }
    }

    [Fact]
    public void AFailedRedoOfMigrationAtBootStopsLoudlyAndTheNextGoodBootRedoesIt()
    {
        (byte[] disk, WriterTestModel model) = CrashLoopTests.Prepared(3, migrated: false);
        byte[] survived;
        using (var rig = new CheckpointerTestRig((byte[])disk.Clone(), configure: d => d.FailWritesFrom = 1, redoMustSucceed: false))
        {
            Assert.Equal(4ul, rig.Recovered);
            Assert.True(Checkpointer.Stopped);
            string console = rig.Machine.ConsoleText;
            Assert.Contains("checkpoint: write error seq=4 what=migrate try=1 (disk error 3)\n", console);
            Assert.Contains(
                $"checkpoint: stopped seq=4: migration at boot: I/O error (disk error 3) after {Migrator.RetryLimit} tries; last committed seq=4\n",
                console);
            Assert.Equal(CheckpointNowResult.Stopped, Checkpointer.TryCheckpointNow(out _));
            rig.Machine.AdvanceTicks(rig.Machine.TimerHz);
            Checkpointer.Pump();
            Assert.Equal(2, Count(rig.Machine.ConsoleText, "checkpoint: stopped seq=4: "));
            survived = rig.Disk.SurvivingImage();
        }

        WriterTestModel seen = WriterTestOracle.Read(survived, out ulong sequence, out bool migrated);
        Assert.Equal(4ul, sequence);
        Assert.False(migrated);
        Assert.True(model.SameObjects(seen, out string why), why);
        using var good = new CheckpointerTestRig(survived);
        Assert.Equal(4ul, good.Recovered);
        Assert.True(Generation.Migrated);
        WriterTests.AssertRecovers(good.Disk.Image, model, 4, migrated: true);
    }
}
