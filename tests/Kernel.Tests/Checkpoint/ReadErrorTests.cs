using System;
using CapOS.Kernel.Checkpoint;
using CapOS.Kernel.DiskFormat;
using CapOS.Kernel.Host;
using CapOS.Kernel.Io;
using CapOS.Kernel.NodeTree;
using CapOS.Kernel.ObjectCache;
using Xunit;

namespace CapOS.Kernel.Tests.Checkpoint;

/// <summary>
/// Read errors (H13): a failed read is reported, never used; a read that returns garbage once
/// (SimulatedDisk.GarbageRead) is caught by its CRC and read again (Recovery I1, Migrator I3),
/// so recovery neither passes over the newest header nor refuses to boot.
/// </summary>
public sealed unsafe class ReadErrorTests
{
    /// <summary>Slot 0/1 hold seq 3 Migrated and seq 4 (committed, not migrated): the hard case.</summary>
    private static (byte[] Disk, WriterTestModel Model) Unmigrated() => CrashLoopTests.Prepared(3, migrated: false);

    private static long RecoveryReads(byte[] disk)
    {
        using SimulatedMachine machine = TestStore.Machine();
        Assert.Equal(RecoveryFault.None, TestStore.Recover((byte[])disk.Clone()).Fault);
        return SimulatedDisk.Current!.ReadCount;
    }

    [Fact]
    public void AReadErrorAnywhereInRecoveryIsReportedAndNothingIsRecovered()
    {
        (byte[] disk, _) = Unmigrated();
        long reads = RecoveryReads(disk);
        Assert.True(reads >= 4, $"only {reads} reads");
        for (long n = 1; n <= reads; n++)
        {
            using SimulatedMachine machine = TestStore.Machine();
            var image = (byte[])disk.Clone();
            _ = new SimulatedDisk(image) { FailRead = n };
            RecoveryResult result = Store.Recover(TestStore.MemoryAt, TestStore.MemoryBytes, 32, 32);
            Assert.True(result.Fault == RecoveryFault.DiskError, $"read {n}: {result.Fault}");
            Assert.Contains("store: cannot boot: disk read error", machine.ConsoleText);
            Assert.True(Store.Header == null);
        }
    }

    [Fact]
    public void AGarbageReadAnywhereInRecoveryRecoversTheNewestCheckpoint()
    {
        (byte[] disk, _) = Unmigrated();
        long reads = RecoveryReads(disk);
        for (long n = 1; n <= reads; n++)
        {
            using SimulatedMachine machine = TestStore.Machine();
            _ = new SimulatedDisk((byte[])disk.Clone()) { GarbageRead = n };
            RecoveryResult result = Store.Recover(TestStore.MemoryAt, TestStore.MemoryBytes, 32, 32);
            Assert.True(result.Fault == RecoveryFault.None, $"read {n}: {result.Fault}");
            Assert.True(result.Sequence == 4 && !result.Migrated, $"read {n}: recovered {result.Sequence} migrated={result.Migrated}");
        }
    }

    [Fact]
    public void AnObjectFaultReportsAFailedReadAndRereadsGarbage()
    {
        (byte[] disk, WriterTestModel model) = Unmigrated();
        ulong oid = 0;
        foreach (ulong candidate in model.PageData.Keys)
        {
            using SimulatedMachine probe = TestStore.Machine();
            TestStore.Recover((byte[])disk.Clone());
            DirectoryEntry* entry = CheckpointDirectory.Find(new Oid(candidate), ObType.Page);
            if (entry != null && entry->Lid != DiskLayout.ZeroLid)
            {
                oid = candidate;
                break;
            }
        }

        Assert.NotEqual(0ul, oid);
        foreach (bool garbage in new[] { false, true })
        {
            using SimulatedMachine machine = TestStore.Machine();
            Assert.Equal(RecoveryFault.None, TestStore.Recover((byte[])disk.Clone()).Fault);
            SimulatedDisk sim = SimulatedDisk.Current!;
            if (garbage)
            {
                sim.GarbageRead = sim.ReadCount + 1;
            }
            else
            {
                sim.FailRead = sim.ReadCount + 1;
            }

            CacheResult result = Cache.GetPage(new Oid(oid), out ObjectHeader* frame);
            if (!garbage)
            {
                Assert.Equal(CacheResult.IoError, result);
                Assert.True(Cache.Lookup(new Oid(oid)) == null);
                continue;
            }

            Assert.Equal(CacheResult.Ok, result);
            Assert.True(new Span<byte>(Cache.PageData(frame), DiskLayout.PageSize).SequenceEqual(model.PageData[oid]));
        }
    }

    [Fact]
    public void AGarbageReadAnywhereInReMigrationIsReadAgainAndNeverWrittenHome()
    {
        (byte[] disk, WriterTestModel model) = Unmigrated();
        long reads;
        using (var dry = new WriterTestRig((byte[])disk.Clone()))
        {
            long before = dry.Disk.ReadCount;
            dry.Recover();
            reads = dry.Disk.ReadCount - before;
        }

        Assert.True(reads > 5, $"only {reads} reads");
        for (long n = 1; n <= reads; n++)
        {
            using var rig = new WriterTestRig((byte[])disk.Clone());
            rig.Disk.GarbageRead = rig.Disk.ReadCount + 2 + n;
            Assert.Equal(4ul, rig.Recover());
            Assert.True(Generation.Migrated, $"read {n}: not migrated");
            WriterTests.AssertRecovers(rig.Disk.Image, model, 4, migrated: true);
        }
    }

    [Fact]
    public void APersistentReadErrorStopsReMigrationAndTheCheckpointSurvives()
    {
        (byte[] disk, WriterTestModel model) = Unmigrated();
        using var rig = new WriterTestRig((byte[])disk.Clone());
        rig.Disk.FailReadsFrom = rig.Disk.ReadCount + 4;
        Assert.Equal(4ul, rig.Recover(finishMigration: false));
        Assert.False(Migrator.RunToCompletion());
        Assert.Equal(MigrationPhase.Failed, Migrator.Phase);
        Assert.Equal(CheckpointError.IoError, Migrator.Error);
        Assert.Equal(DiskError.IoError, Migrator.LastDiskError);
        Assert.True(CheckpointWriter.Stats.Retries >= Migrator.RetryLimit);
        WriterTestModel seen = WriterTestOracle.Read(rig.Disk.Image, out ulong sequence, out bool migrated);
        Assert.Equal(4ul, sequence);
        Assert.False(migrated);
        Assert.True(model.SameObjects(seen, out string why), why);
        WriterTests.AssertRecovers(CrashLoopTests.AfterRecovery(rig.Disk.Image), model, 4, migrated: true);
    }
}
