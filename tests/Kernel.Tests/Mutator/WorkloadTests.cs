using System;
using CapOS.Kernel.Checkpoint;
using CapOS.Kernel.Host;
using CapOS.Kernel.Mutator;
using CapOS.Kernel.NodeTree;
using CapOS.Kernel.ObjectCache;
using CapOS.Kernel.Tests.Checkpoint;
using Xunit;

namespace CapOS.Kernel.Tests.Mutator;

/// <summary>
/// The mutator's invariant survives a power cut after every single disk write of a run of checkpoints
/// interleaved with mutation, and the run continues after each recovery (issue #4 items 3 and 6).
/// </summary>
public sealed unsafe class WorkloadTests
{
    /// <summary>The plug.sys structure: root (first node OID), counter page, ring of 8, 28 data pages.</summary>
    private static byte[] Image()
    {
        var b = new VolumeBuilder(pageOids: 64, nodeOids: 16, logPages: 64);
        var root = new VolumeBuilder.NodeModel()
            .With(0, Key.Object(KeyType.Page, b.PageOid(0), 0, KeyRights.None, 0))
            .With(1, Key.Object(KeyType.Node, b.NodeOid(1), 0, KeyRights.None, 0));
        for (int i = 0; i < Workload.DataPages; i++)
        {
            root.With(Workload.FirstDataSlot + i, Key.Object(KeyType.Page, b.PageOid(1 + (ulong)i), 0, KeyRights.None, 0));
        }

        b.Node(b.NodeOid(0), root);
        for (ulong r = 0; r < Workload.RingLength; r++)
        {
            b.Node(b.NodeOid(1 + r), new VolumeBuilder.NodeModel().With(0, Key.Object(KeyType.Node, b.NodeOid(1 + ((r + 1) % Workload.RingLength)), 0, KeyRights.None, 0)));
        }

        return b.Build();
    }

    /// <summary>Runs <paramref name="checkpoints"/> rounds of (steps, checkpoint); returns the last committed step.</summary>
    private static ulong Run(CheckpointerTestRig rig, int checkpoints, int steps)
    {
        ulong committed = Workload.Step;
        for (int c = 0; c < checkpoints; c++)
        {
            Assert.Equal(steps, Workload.RunSteps(steps));
            ulong atSnapshot = Workload.Step;
            ulong sequence = Checkpointer.TakeCheckpoint();
            Assert.NotEqual(0UL, sequence);
            Workload.RunSteps(3); // mutation interleaved with stabilization (copy-on-write)
            Checkpointer.Drain();
            committed = atSnapshot;
        }

        return committed;
    }

    [Fact]
    public void InvariantHoldsAcrossCheckpointsAndReboots()
    {
        byte[] image;
        using (var rig = new CheckpointerTestRig(Image()))
        {
            Assert.True(Workload.Start(Store.Volume, rig.Recovered));
            Assert.Equal(0UL, Workload.Step);
            Assert.Equal(36UL, Run(rig, 3, 10));
            image = rig.Disk.SurvivingImage();
        }

        using (var rig = new CheckpointerTestRig(image))
        {
            Assert.True(Workload.Start(Store.Volume, rig.Recovered));
            Assert.Equal(36UL, Workload.Step);
            Assert.Contains($"mutator: recovered seq={rig.Recovered} step=36 invariant=ok", rig.Machine.ConsoleText);
        }
    }

    [Fact]
    public void BrokenStructureIsReported()
    {
        using var rig = new CheckpointerTestRig(Image());
        Assert.True(Workload.Start(Store.Volume, rig.Recovered));
        Workload.RunSteps(5);
        ObjectHeader* ring = CheckpointerTestRig.Node(new Oid(0x100000 + 3));
        Assert.True(Cache.MarkDirty(ring));
        *Node.Slot(Cache.NodeBody(ring), 1) = Key.Number(1, 0, 0);
        Assert.False(Workload.Start(Store.Volume, rig.Recovered));
        Assert.Contains("mutator: invariant broken: ring number differs from the step", rig.Machine.ConsoleText);
    }

    [Theory]
    [InlineData(PowerLossModel.KeepCompletedWrites)]
    [InlineData(PowerLossModel.DropUnflushedWrites)]
    public void EveryCutRecoversAnIntactStructureAtACommittedStep(PowerLossModel model)
    {
        long total;
        using (var dry = new CheckpointerTestRig(Image()))
        {
            Assert.True(Workload.Start(Store.Volume, dry.Recovered));
            long before = dry.Disk.WriteCount;
            Run(dry, 4, 6);
            total = dry.Disk.WriteCount - before;
        }

        Assert.True(total > 60, $"too few writes: {total}");
        for (long cut = 1; cut <= total; cut++)
        {
            byte[] survived;
            ulong floor;
            using (var rig = new CheckpointerTestRig(Image(), configure: d => d.LossModel = model))
            {
                Assert.True(Workload.Start(Store.Volume, rig.Recovered));
                rig.Disk.PowerCutAfterWrite = rig.Disk.WriteCount + cut;
                try
                {
                    Run(rig, 4, 6);
                    Assert.Fail($"cut {cut} never happened");
                }
                catch (PowerLossException)
                {
                }

                floor = CommittedFloor(rig.Machine.ConsoleText, model);
                survived = rig.Disk.SurvivingImage();
            }

            using (var after = new CheckpointerTestRig(survived))
            {
                Assert.True(after.Recovered >= floor, $"cut {cut}: recovered {after.Recovered} < committed {floor}");
                Assert.True(Workload.Start(Store.Volume, after.Recovered), $"cut {cut}: {after.Machine.ConsoleText}");
                Run(after, 1, 4); // and the system goes on
            }
        }
    }

    /// <summary>The highest sequence a `committed` line announced (0 if none; with dropped writes a commit is durable too).</summary>
    private static ulong CommittedFloor(string console, PowerLossModel model)
    {
        ulong floor = 1;
        foreach (string line in console.Split('\n'))
        {
            const string prefix = "checkpoint: committed seq=";
            if (line.StartsWith(prefix, StringComparison.Ordinal))
            {
                floor = ulong.Parse(line[prefix.Length..].Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture);
            }
        }

        return model == PowerLossModel.KeepCompletedWrites || model == PowerLossModel.DropUnflushedWrites ? floor : 1;
    }
}
