using CapOS.Kernel.Checkpoint;
using CapOS.Kernel.DiskFormat;
using CapOS.Kernel.NodeTree;
using CapOS.Kernel.ObjectCache;
using Xunit;

namespace CapOS.Kernel.Tests.Checkpoint;

/// <summary>Reservation per pot and cluster, and the triggers: refusal, threshold, interval, cache full (docs/checkpoint.md "Reservation", "Triggers").</summary>
public sealed unsafe class CheckpointerTests
{
    private static readonly VolumeBuilder Layout = new();

    [Fact]
    public void ANodePotAndAClusterAreChargedOncePerGeneration()
    {
        using var rig = new CheckpointerTestRig(new VolumeBuilder().Build());
        for (uint i = 0; i < NodePot.NodeCapacity; i++)
        {
            Assert.True(CheckpointerTestRig.SetNumber(Layout.NodeOid(i), 0, i));
        }

        Assert.Equal(1u, LogSpace.ReservedPages);
        Assert.Equal((uint)NodePot.NodeCapacity, LogSpace.ReservedEntries);
        Assert.True(CheckpointerTestRig.WritePage(Layout.PageOid(1), 1));
        Assert.True(CheckpointerTestRig.WritePage(Layout.PageOid(2), 2));
        Assert.Equal(1u + 2 + 1, LogSpace.ReservedPages);
        Assert.Equal((uint)NodePot.NodeCapacity + 2 + 1, LogSpace.ReservedEntries);
        CheckpointerTestRig.Checkpoint();
        Assert.Equal(0u, LogSpace.ReservedPages);

        // Dirtying again in the next generation is charged again.
        Assert.True(CheckpointerTestRig.WritePage(Layout.PageOid(1), 3));
        Assert.Equal(2u, LogSpace.ReservedPages);
    }

    [Fact]
    public void RefusedReservationForcesACheckpointAndTheWriteSucceedsAfterIt()
    {
        // A 12-page log: halves of 5 pages. Pages of one cluster: the first costs 2 pages, the next 1 each,
        // plus a directory page: the third page crosses 65%, the fourth does not fit.
        using var rig = new CheckpointerTestRig(new VolumeBuilder(logPages: 12).Build());
        ulong oid = 0;
        while (CheckpointerTestRig.WritePage(Layout.PageOid(oid), 1))
        {
            oid++;
            Assert.True(oid < (ulong)TagPot.EntryCapacity, "the reservation never refused");
        }

        Assert.Equal(3UL, oid);

        Assert.Equal(CheckpointReason.Threshold, Checkpointer.Pending);
        uint dirty = Cache.DirtyCount;
        Assert.True(dirty >= 1);
        ulong before = Generation.Sequence;
        Checkpointer.Pump();
        Assert.True(Checkpointer.Writing);
        Assert.Equal(CheckFailure.None, ConsistencyCheck.Run());
        Checkpointer.Drain();
        Assert.Equal(before + 1, Generation.Sequence);
        Assert.True(CheckpointerTestRig.WritePage(Layout.PageOid(oid), 1));
    }

    [Fact]
    public void RefusalAloneAsksForALogFullCheckpoint()
    {
        using var rig = new CheckpointerTestRig(new VolumeBuilder(logPages: 20).Build());
        Assert.True(LogSpace.TryReserve(8, 8));
        Assert.False(CheckpointerTestRig.WritePage(Layout.PageOid(1), 1));
        Assert.Equal(CheckpointReason.LogFull, Checkpointer.Pending);
        Assert.Equal(0u, Cache.DirtyCount);
    }

    [Fact]
    public void TheIntervalTriggersACheckpointFromThePump()
    {
        using var rig = new CheckpointerTestRig(new VolumeBuilder().Build());
        Checkpointer.SetInterval(100);
        Assert.True(CheckpointerTestRig.WritePage(Layout.PageOid(1), 1));
        Checkpointer.Pump();
        Assert.False(Checkpointer.Writing);
        rig.Machine.AdvanceTicks(rig.Machine.TimerHz / 10);
        ulong before = Generation.Sequence;
        Checkpointer.Pump();
        Assert.True(Checkpointer.Writing);
        Checkpointer.Drain();
        Assert.Equal(before + 1, Generation.Sequence);
    }

    [Fact]
    public void ACacheFullOfDirtyObjectsAsksForACheckpoint()
    {
        using var rig = new CheckpointerTestRig(new VolumeBuilder().Build(), pageFrames: 3, nodeFrames: 3);
        for (ulong i = 0; i < 3; i++)
        {
            Assert.True(CheckpointerTestRig.WritePage(Layout.PageOid(i), 1));
        }

        Assert.Equal(CacheResult.CacheFullOfDirty, Cache.GetPage(Layout.PageOid(3), out _));
        Assert.Equal(CheckpointReason.CacheFull, Checkpointer.Pending);
        Checkpointer.Pump();
        Checkpointer.Drain();
        Assert.Equal(CacheResult.Ok, Cache.GetPage(Layout.PageOid(3), out _));
    }

    [Fact]
    public void CheckpointNowNeverWaitsWhileOneIsBeingWritten()
    {
        using var rig = new CheckpointerTestRig(new VolumeBuilder().Build());
        Assert.True(CheckpointerTestRig.WritePage(Layout.PageOid(1), 1));
        ulong first = Checkpointer.TakeCheckpoint();
        long writes = rig.Disk.WriteCount;

        Assert.Equal(CheckpointNowResult.Busy, Checkpointer.TryCheckpointNow(out ulong none));

        Assert.Equal(0ul, none);
        Assert.Equal(writes, rig.Disk.WriteCount); // nothing was pumped in place
        Checkpointer.Drain();
        Assert.Equal(CheckpointNowResult.Taken, Checkpointer.TryCheckpointNow(out ulong second));
        Assert.Equal(first + 1, second);
    }

    /// <summary>
    /// A disk that fails every write from the k-th write of a checkpoint on, for each k: the checkpointer never
    /// hangs; when it was the header that gave up (writer I5), checkpointing stops without the misleading
    /// "nothing was committed" line, and the checkpoint key answers Stopped at once.
    /// </summary>
    [Fact]
    public void APersistentWriteErrorNeverHangsAndAGivenUpHeaderStopsCheckpointing()
    {
        bool headerGaveUp = false;
        for (int k = 1; k <= 12; k++)
        {
            using var rig = new CheckpointerTestRig(new VolumeBuilder().Build());
            Assert.True(CheckpointerTestRig.WritePage(Layout.PageOid(1), 1));
            rig.Disk.FailWritesFrom = rig.Disk.WriteCount + k;
            Assert.NotEqual(0ul, Checkpointer.TakeCheckpoint());
            for (int i = 0; i < 10_000 && Checkpointer.Writing; i++)
            {
                Checkpointer.Pump();
                CapOS.Kernel.Io.BlockDevice.Wait();
            }

            Assert.False(Checkpointer.Writing, $"k={k}: still writing after 10000 pumps");
            if (CheckpointWriter.HeaderFailed)
            {
                headerGaveUp = true;
                Assert.True(Checkpointer.Stopped);
                Assert.DoesNotContain("checkpoint: failed seq=", rig.Machine.ConsoleText);
                Assert.Equal(CheckpointNowResult.Stopped, Checkpointer.TryCheckpointNow(out _));
            }
        }

        Assert.True(headerGaveUp, "no k reached the header write");
    }
}
