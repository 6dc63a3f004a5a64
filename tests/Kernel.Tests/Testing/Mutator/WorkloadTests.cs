using System;
using CapOS.Kernel.Checkpoint;
using CapOS.Kernel.Host;
using CapOS.Kernel.Testing.Mutator;
using CapOS.Kernel.NodeTree;
using CapOS.Kernel.ObjectCache;
using CapOS.Kernel.Tests.Checkpoint;
using Xunit;

namespace CapOS.Kernel.Tests.Testing.Mutator;

/// <summary>
/// The mutator's invariant (I1-I4) and its digest (K1, K2) survive a power cut after every single disk write
/// of a run of checkpoints interleaved with mutation, in every power-loss model, torn writes included; each
/// recovery goes through the kernel's own Store.Recover and re-migration (CheckpointerTestRig), uses the
/// campaign's small cache (eviction during the run) and continues (issue 9 items 6 and 7).
/// </summary>
public sealed unsafe class WorkloadTests
{
    private static CheckpointerTestRig Boot(byte[] image, Action<SimulatedDisk>? configure = null)
    {
        var rig = new CheckpointerTestRig(image, MutatorImage.Frames, MutatorImage.Frames, configure);
        return rig;
    }

    [Fact]
    public void InvariantAndDigestHoldAcrossCheckpointsAndReboots()
    {
        byte[] image;
        string console;
        using (var rig = Boot(MutatorImage.Build()))
        {
            Assert.True(Workload.Start(Store.Volume, rig.Recovered), rig.Machine.ConsoleText);
            Assert.Equal(0UL, Workload.Step);
            MutatorImage.Run(60, 10);
            Assert.Equal(60UL, Workload.Step);
            console = rig.Machine.ConsoleText;
            image = rig.Disk.SurvivingImage();
            Assert.True(Cache.Statistics.Evictions > 100, $"only {Cache.Statistics.Evictions} evictions");
        }

        Assert.Contains(" cow=", console);
        var snapshots = MutatorImage.Snapshots(console);
        ulong last = MutatorImage.CommittedFloor(console);
        Assert.True(last >= 7, console);
        using (var rig = Boot(image))
        {
            Assert.True(Workload.Start(Store.Volume, rig.Recovered));
            (ulong sequence, ulong step, string digest) = MutatorImage.Recovered(rig.Machine.ConsoleText);
            Assert.Equal(last, sequence);
            Assert.Equal(60UL, step);
            Assert.Equal(snapshots[last], (step, digest));
        }
    }

    [Fact]
    public void RescindedKeysReadVoidAndCurrentKeysAreValidAfterRecovery()
    {
        byte[] image;
        using (var rig = Boot(MutatorImage.Build()))
        {
            Assert.True(Workload.Start(Store.Volume, rig.Recovered));
            MutatorImage.Run(80, 8);
            image = rig.Disk.SurvivingImage();
        }

        using var after = Boot(image);
        Assert.True(Workload.Start(Store.Volume, after.Recovered), after.Machine.ConsoleText);
        Oid holder = HolderOid();
        int rescinded = 0;
        for (int v = 0; v < Workload.Victims; v++)
        {
            Key disk;
            Cache.DiskForm(Node.Slot(Cache.NodeBody(CheckpointerTestRig.Node(holder)), (2 * v) + 1), &disk);
            rescinded += disk.Type == KeyType.Void ? 0 : 1;
        }

        Assert.True(rescinded >= 4, $"only {rescinded} victims were rescinded");
    }

    [Fact]
    public void BrokenStructureIsReported()
    {
        using var rig = Boot(MutatorImage.Build());
        Assert.True(Workload.Start(Store.Volume, rig.Recovered));
        Workload.RunSteps(5);
        ObjectHeader* ring = CheckpointerTestRig.Node(new Oid(0x100000 + 3));
        Assert.True(Cache.MarkDirty(ring));
        *Node.Slot(Cache.NodeBody(ring), 1) = Key.Number(1, 0, 0);
        Assert.False(Workload.Start(Store.Volume, rig.Recovered));
        Assert.Contains("mutator: invariant broken: ring number differs from the step", rig.Machine.ConsoleText);
    }

    /// <summary>An untouched pot neighbour of a written leaf that changes is caught by I3 and changes the digest.</summary>
    [Fact]
    public void AChangedPotNeighbourIsReportedAndChangesTheDigest()
    {
        using var rig = Boot(MutatorImage.Build());
        Assert.True(Workload.Start(Store.Volume, rig.Recovered));
        Assert.Equal(CacheResult.Ok, Workload.Digest(out ulong before));
        ObjectHeader* leaf = CheckpointerTestRig.Node(MutatorImage.LeafOid(5));
        Assert.True(Cache.MarkDirty(leaf));
        *Node.Slot(Cache.NodeBody(leaf), 0) = Key.Number(3, 0, 0);
        Assert.Equal(CacheResult.Ok, Workload.Digest(out ulong after));
        Assert.NotEqual(before, after);
        Assert.False(Workload.Start(Store.Volume, rig.Recovered));
        Assert.Contains("mutator: invariant broken: leaf number differs from its table entry", rig.Machine.ConsoleText);
    }

    /// <summary>A key to a rescinded incarnation that still designates the object (a count not bumped on disk) is caught by I4.</summary>
    [Fact]
    public void AVictimWhoseCountWasNotBumpedIsReported()
    {
        using var rig = Boot(MutatorImage.Build());
        Assert.True(Workload.Start(Store.Volume, rig.Recovered));
        MutatorImage.Run(8, 8);
        ObjectHeader* holder = CheckpointerTestRig.Node(HolderOid());
        int victim = -1;
        for (int v = 0; v < Workload.Victims && victim < 0; v++)
        {
            victim = Node.Slot(Cache.NodeBody(holder), (2 * v) + 1)->Type == KeyType.Void ? -1 : v;
        }

        Assert.True(victim >= 0);
        Key* old = Node.Slot(Cache.NodeBody(holder), (2 * victim) + 1);
        Key* current = Node.Slot(Cache.NodeBody(holder), 2 * victim);
        Assert.True(Cache.MarkDirty(holder));
        Cache.UnprepareKey(current);
        *old = Key.Object(current->Type, current->Oid, current->AllocCount, KeyRights.None, 0);
        Assert.False(Workload.Start(Store.Volume, rig.Recovered));
        Assert.Contains("mutator: invariant broken: key to a rescinded incarnation is not void", rig.Machine.ConsoleText);
    }

    [Theory]
    [InlineData(PowerLossModel.KeepCompletedWrites, null)]
    [InlineData(PowerLossModel.KeepCompletedWrites, 3)]
    [InlineData(PowerLossModel.DropUnflushedWrites, null)]
    [InlineData(PowerLossModel.ScrambleUnflushedWrites, null)]
    [InlineData(PowerLossModel.ScrambleUnflushedWrites, 5)]
    public void EveryCutRecoversTheSnapshotStateOfTheRecoveredSequence(PowerLossModel model, int? torn)
    {
        const int Steps = 24;
        const int PerCheckpoint = 8;
        long total;
        using (var dry = Boot(MutatorImage.Build()))
        {
            Assert.True(Workload.Start(Store.Volume, dry.Recovered));
            long before = dry.Disk.WriteCount;
            MutatorImage.Run(Steps, PerCheckpoint);
            total = dry.Disk.WriteCount - before;
        }

        Assert.True(total > 60, $"too few writes: {total}");
        (ulong Step, string Digest) first = default;
        for (long cut = 1; cut <= total; cut++)
        {
            byte[] survived;
            string console;
            using (var rig = Boot(MutatorImage.Build(), d =>
            {
                d.LossModel = model;
                d.TornSectors = torn;
                d.Seed = (int)cut;
            }))
            {
                Assert.True(Workload.Start(Store.Volume, rig.Recovered));
                var recovered = MutatorImage.Recovered(rig.Machine.ConsoleText);
                first = (recovered.Step, recovered.Digest);
                rig.Disk.PowerCutAfterWrite = rig.Disk.WriteCount + cut;
                Assert.Throws<PowerLossException>(() => MutatorImage.Run(Steps, PerCheckpoint));
                console = rig.Machine.ConsoleText;
                survived = rig.Disk.SurvivingImage();
            }

            ulong floor = MutatorImage.CommittedFloor(console);
            var snapshots = MutatorImage.Snapshots(console);
            snapshots[1] = first;
            using var after = Boot(survived);
            string where = $"{model} torn {torn} cut {cut}";
            Assert.True(after.Recovered >= floor, $"{where}: recovered {after.Recovered} < committed {floor}");
            Assert.True(Workload.Start(Store.Volume, after.Recovered), $"{where}: {after.Machine.ConsoleText}");
            (ulong sequence, ulong step, string digest) = MutatorImage.Recovered(after.Machine.ConsoleText);
            Assert.True(snapshots.TryGetValue(sequence, out var expected), $"{where}: seq {sequence} never snapshotted");
            Assert.True(expected == (step, digest), $"{where}: seq {sequence} recovered step {step} digest {digest}, snapshot had {expected}");
            MutatorImage.Run(4, 4); // and the system goes on
        }
    }

    private static Oid HolderOid()
    {
        Key disk;
        Cache.DiskForm(Node.Slot(Cache.NodeBody(CheckpointerTestRig.Node(new Oid(0x100000))), Workload.HolderSlot), &disk);
        return disk.Oid;
    }
}
