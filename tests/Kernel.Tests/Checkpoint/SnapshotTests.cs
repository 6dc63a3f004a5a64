using System.Linq;
using CapOS.Kernel.Checkpoint;
using CapOS.Kernel.DiskFormat;
using CapOS.Kernel.Io;
using CapOS.Kernel.NodeTree;
using CapOS.Kernel.ObjectCache;
using Xunit;

namespace CapOS.Kernel.Tests.Checkpoint;

/// <summary>The snapshot, copy-on-write, commit and the cache's directory view (docs/checkpoint.md "Snapshot and copy-on-write").</summary>
public sealed unsafe class SnapshotTests
{
    private static readonly VolumeBuilder Layout = new();

    private static byte[] Image()
    {
        var builder = new VolumeBuilder();
        builder.Page(builder.PageOid(1), Enumerable.Repeat((byte)0x11, DiskLayout.PageSize).ToArray());
        builder.Page(builder.PageOid(2), Enumerable.Repeat((byte)0x22, DiskLayout.PageSize).ToArray());
        builder.Node(builder.NodeOid(3), new VolumeBuilder.NodeModel().With(0, Key.Number(3, 0, 0)));
        return builder.Build();
    }

    [Fact]
    public void CommittedObjectsAreWhatTheNextBootRecovers()
    {
        byte[] after;
        ulong sequence;
        using (var rig = new CheckpointerTestRig(Image()))
        {
            Assert.True(CheckpointerTestRig.WritePage(Layout.PageOid(1), 0x5A));
            Assert.True(CheckpointerTestRig.WritePage(Layout.PageOid(2), 0));
            Assert.True(CheckpointerTestRig.SetNumber(Layout.NodeOid(3), 5, 77));
            Assert.True(CheckpointerTestRig.SetNumber(Layout.NodeOid(9), 1, 9));
            sequence = CheckpointerTestRig.Checkpoint();
            Assert.Equal(0u, Cache.DirtyCount);
            Assert.Equal(0u, Cache.PendingCount);
            string console = rig.Machine.ConsoleText;
            Assert.Contains($"checkpoint: snapshot seq={sequence} dirty=4 pause-us=", console);
            Assert.Contains($"checkpoint: stabilize seq={sequence}", console);
            // 1 data page + 1 tag pot + 2 node pots (nodes 3 and 9 are in different pots).
            Assert.Contains($"checkpoint: committed seq={sequence} images=4 log-pages=5", console);
            Assert.Contains($"checkpoint: migrated seq={sequence}", console);
            after = rig.Disk.SurvivingImage();
        }

        using (var rig = new CheckpointerTestRig(after))
        {
            Assert.Equal(sequence, rig.Recovered);
            Assert.Equal(0x5A, CheckpointerTestRig.PageByte(Layout.PageOid(1), 4095));
            Assert.Equal(0, CheckpointerTestRig.PageByte(Layout.PageOid(2), 17));
            Assert.Equal(77u, CheckpointerTestRig.NumberAt(Layout.NodeOid(3), 5));
            Assert.Equal(3u, CheckpointerTestRig.NumberAt(Layout.NodeOid(3), 0));
            Assert.Equal(9u, CheckpointerTestRig.NumberAt(Layout.NodeOid(9), 1));
        }
    }

    /// <summary>
    /// The pause visits no object (Snapshot I3, ObjectCache I14): after TakeCheckpoint every dirty object is frozen, none
    /// recorded; the build records them a bounded number per pump, and a write to an object at any point of it
    /// (still frozen, or recorded and not yet with the writer) leaves the checkpoint the snapshot's bytes.
    /// Fails when MarkDirty writes a frozen object without recording it first.
    /// </summary>
    [Fact]
    public void ThePauseRecordsNothingAndAWriteAnywhereInTheBuildKeepsTheSnapshotBytes()
    {
        const uint count = 150;
        var layout = new VolumeBuilder(pageOids: 400, nodeOids: 100, logPages: 512);
        byte[] after;
        ulong s;
        using (var rig = new CheckpointerTestRig(layout.Build(), pageFrames: 256, nodeFrames: 32))
        {
            for (uint i = 0; i < count; i++)
            {
                Assert.True(CheckpointerTestRig.WritePage(layout.PageOid(i), (byte)(i + 1)));
            }

            Assert.True(CheckpointerTestRig.SetNumber(layout.NodeOid(3), 0, 300));
            s = Checkpointer.TakeCheckpoint();
            Assert.NotEqual(0UL, s);
            Assert.Equal(count + 1, Cache.FrozenCount);
            Assert.Equal(0u, Cache.PendingCount);
            Assert.Equal(0u, Cache.DirtyCount);
            Assert.Contains($"checkpoint: snapshot seq={s} dirty={count + 1} pause-us=", rig.Machine.ConsoleText);

            ObjectHeader* frozen = CheckpointerTestRig.Page(layout.PageOid(count - 1));
            Assert.True(Cache.IsFrozen(frozen));
            Assert.True(CheckpointerTestRig.WritePage(layout.PageOid(count - 1), 0xEF)); // still frozen: recorded, copied
            Assert.True(frozen->IsPending && !Cache.IsFrozen(frozen));
            Assert.Equal(1u, Snapshot.CopiesMade);

            Checkpointer.Pump(); // records every object (RecordsPerObject per unit), hands the first pages to the writer
            Assert.True(Checkpointer.Building);
            Assert.Equal(0u, Cache.FrozenCount);
            Assert.True(CheckpointerTestRig.WritePage(layout.PageOid(10), 0xEE)); // with the writer, not submitted
            Assert.True(CheckpointerTestRig.WritePage(layout.PageOid(120), 0xED)); // recorded, not with the writer yet
            Assert.True(CheckpointerTestRig.SetNumber(layout.NodeOid(3), 0, 301));
            Assert.Equal(3u, Snapshot.CopiesMade);
            Assert.Equal(0u, Cache.CheckBitmaps());
            CheckpointerTestRig.PumpUntilCommitted();
            Assert.Equal(s, Generation.Sequence);
            Assert.Equal(0u, Cache.FrozenCount);
            Assert.Equal(0u, Cache.CheckBitmaps());
            after = rig.Disk.SurvivingImage();
        }

        using (new CheckpointerTestRig(after, pageFrames: 256, nodeFrames: 32))
        {
            Assert.Equal(s, Generation.Sequence);
            for (uint i = 0; i < count; i++)
            {
                Assert.Equal((byte)(i + 1), CheckpointerTestRig.PageByte(layout.PageOid(i), 77));
            }

            Assert.Equal(300u, CheckpointerTestRig.NumberAt(layout.NodeOid(3), 0));
        }
    }

    [Fact]
    public void WriteDuringStabilizationDoesNotChangeTheImage()
    {
        byte[] first;
        byte[] second;
        using (var rig = new CheckpointerTestRig(Image()))
        {
            Assert.True(CheckpointerTestRig.WritePage(Layout.PageOid(1), 0x01));
            Assert.True(CheckpointerTestRig.SetNumber(Layout.NodeOid(3), 0, 100));
            ulong s = Checkpointer.TakeCheckpoint();
            Assert.NotEqual(0UL, s);

            // Written before the writer submitted anything: the page is copied aside, the node was copied at the snapshot.
            Assert.True(CheckpointerTestRig.WritePage(Layout.PageOid(1), 0x02));
            Assert.True(CheckpointerTestRig.SetNumber(Layout.NodeOid(3), 0, 200));
            Assert.Equal(1u, Snapshot.CopiesMade);
            CheckpointerTestRig.PumpUntilCommitted();
            Assert.Equal(2u, Cache.DirtyCount);
            first = rig.Disk.SurvivingImage();
            CheckpointerTestRig.Checkpoint();
            second = rig.Disk.SurvivingImage();
        }

        using (new CheckpointerTestRig(first))
        {
            Assert.Equal(0x01, CheckpointerTestRig.PageByte(Layout.PageOid(1), 100));
            Assert.Equal(100u, CheckpointerTestRig.NumberAt(Layout.NodeOid(3), 0));
        }

        using (new CheckpointerTestRig(second))
        {
            Assert.Equal(0x02, CheckpointerTestRig.PageByte(Layout.PageOid(1), 100));
            Assert.Equal(200u, CheckpointerTestRig.NumberAt(Layout.NodeOid(3), 0));
        }
    }

    [Fact]
    public void WriteAfterTheImageWasSubmittedIsRefusedUntilItsWriteCompletesAndNeverCopies()
    {
        byte[] image;
        ulong s;
        using (var rig = new CheckpointerTestRig(Image()))
        {
            Assert.True(CheckpointerTestRig.WritePage(Layout.PageOid(1), 0x31));
            s = Checkpointer.TakeCheckpoint();
            CheckpointerTestRig.BuildSnapshot();
            CheckpointWriter.Pump(); // submits every image (the simulated device completes on the next poll)
            Assert.True(CheckpointWriter.ImageSubmitted(0));
            Assert.False(CheckpointerTestRig.WritePage(Layout.PageOid(1), 0x32)); // in flight: nothing waits in place
            Assert.Equal(DirtyRefusal.ImageInFlight, Cache.LastRefusal);
            for (int i = 0; i < 1000 && !CheckpointWriter.ImageWritten(0); i++)
            {
                CheckpointWriter.Pump();
            }

            Assert.True(CheckpointerTestRig.WritePage(Layout.PageOid(1), 0x32)); // written: free to change
            Assert.Equal(0u, Snapshot.CopiesMade);
            CheckpointerTestRig.PumpUntilCommitted();
            image = rig.Disk.SurvivingImage();
        }

        using (new CheckpointerTestRig(image))
        {
            Assert.Equal(s, Generation.Sequence);
            Assert.Equal(0x31, CheckpointerTestRig.PageByte(Layout.PageOid(1)));
        }
    }

    /// <summary>Writer I6: a page whose image write failed stays unwritable until the retry has written the snapshot's bytes.</summary>
    [Fact]
    public void AWriteWaitingForAFailedImageWriteLetsItsRetryWriteTheSnapshotBytes()
    {
        byte[] image;
        ulong s;
        using (var rig = new CheckpointerTestRig(Image()))
        {
            Assert.True(CheckpointerTestRig.WritePage(Layout.PageOid(1), 0x31));
            rig.Disk.FailWrite = rig.Disk.WriteCount + 1;
            s = Checkpointer.TakeCheckpoint();
            CheckpointerTestRig.BuildSnapshot();
            CheckpointWriter.Pump(); // submits every image; the first one (page 1's) will fail
            Assert.True(CheckpointWriter.ImageSubmitted(0));
            BlockDevice.Poll(); // the write of page 1's image completes, failed
            Assert.False(CheckpointWriter.ImageWritten(0)); // failed, to be retried from the frame: not free yet
            Assert.False(CheckpointerTestRig.WritePage(Layout.PageOid(1), 0x32));
            CheckpointWriter.Pump(); // reaped: reported and resubmitted
            Assert.Contains($"checkpoint: write error seq={s} what=log try=1 (disk error 3)", rig.Machine.ConsoleText);
            for (int i = 0; i < 1000 && !CheckpointWriter.ImageWritten(0); i++)
            {
                CheckpointWriter.Pump();
            }

            Assert.True(CheckpointerTestRig.WritePage(Layout.PageOid(1), 0x32)); // the retry is written: free to change
            CheckpointerTestRig.PumpUntilCommitted();
            Assert.Equal(s, Generation.Sequence);
            image = rig.Disk.SurvivingImage();
        }

        using (new CheckpointerTestRig(image))
        {
            Assert.Equal(s, Generation.Sequence);
            Assert.Equal(0x31, CheckpointerTestRig.PageByte(Layout.PageOid(1)));
        }
    }

    [Fact]
    public void PendingObjectsAreNeverEvicted()
    {
        using var rig = new CheckpointerTestRig(Image(), pageFrames: 4, nodeFrames: 4);
        Assert.True(CheckpointerTestRig.WritePage(Layout.PageOid(1), 0x44));
        Checkpointer.TakeCheckpoint();
        ObjectHeader* frame = Cache.Lookup(Layout.PageOid(1));
        Assert.True(Cache.IsFrozen(frame)); // frozen at the pause, not recorded yet: not evictable either (I13)
        Assert.False(Cache.Evict(frame));
        CheckpointerTestRig.BuildSnapshot();
        Assert.True(frame->IsPending);
        Assert.False(Cache.Evict(frame));
        for (ulong i = 10; i < 30; i++)
        {
            CheckpointerTestRig.Page(Layout.PageOid(i));
        }

        Assert.True(Cache.Lookup(Layout.PageOid(1)) == frame);
        CheckpointerTestRig.PumpUntilCommitted();
        Assert.False(frame->IsPending);
        Assert.Equal(Cache.ComputeCrc(frame), frame->Crc);
    }

    [Fact]
    public void EvictedObjectRefaultsFromTheNewLog()
    {
        using var rig = new CheckpointerTestRig(Image());
        Assert.True(CheckpointerTestRig.WritePage(Layout.PageOid(2), 0x66));
        Assert.True(CheckpointerTestRig.SetNumber(Layout.NodeOid(3), 2, 66));
        Checkpointer.TakeCheckpoint();
        CheckpointerTestRig.PumpUntilCommitted();
        Assert.False(Generation.Migrated);
        Assert.True(CheckpointDirectory.Find(Layout.PageOid(2), ObType.Page) != null);
        Assert.True(Cache.Evict(Cache.Lookup(Layout.PageOid(2))));
        Assert.True(Cache.Evict(Cache.Lookup(Layout.NodeOid(3))));
        ulong fromLog = Cache.Statistics.LoadsFromLog;
        Assert.Equal(0x66, CheckpointerTestRig.PageByte(Layout.PageOid(2), 9));
        Assert.Equal(66u, CheckpointerTestRig.NumberAt(Layout.NodeOid(3), 2));
        Assert.Equal(fromLog + 2, Cache.Statistics.LoadsFromLog);
        Checkpointer.Drain();
        Assert.True(Generation.Migrated);
        Assert.True(Cache.Evict(Cache.Lookup(Layout.PageOid(2))));
        Assert.Equal(0x66, CheckpointerTestRig.PageByte(Layout.PageOid(2), 9));
    }

    [Fact]
    public void ZeroPagesGoThroughTheLogBothWays()
    {
        byte[] image = Image();
        for (int round = 0; round < 4; round++)
        {
            using var rig = new CheckpointerTestRig(image);
            byte expected = round % 2 == 0 ? (byte)0x22 : (byte)0;
            Assert.Equal(expected, CheckpointerTestRig.PageByte(Layout.PageOid(2), 5));
            Assert.True(CheckpointerTestRig.WritePage(Layout.PageOid(2), expected == 0 ? (byte)0x22 : (byte)0));
            CheckpointerTestRig.Checkpoint();
            image = rig.Disk.SurvivingImage();
        }
    }

    [Fact]
    public void AStabilizationWriteErrorIsRetriedAndAPersistentOneCommitsNothingAndStops()
    {
        byte[] image;
        using (var rig = new CheckpointerTestRig(Image()))
        {
            Assert.True(CheckpointerTestRig.WritePage(Layout.PageOid(1), 0x77));
            rig.Disk.FailWrite = rig.Disk.WriteCount + 1;
            ulong s = CheckpointerTestRig.Checkpoint();
            Assert.Contains($"checkpoint: write error seq={s} what=log try=1 (disk error 3)", rig.Machine.ConsoleText);
            ulong before = Generation.Sequence;
            Assert.True(CheckpointerTestRig.WritePage(Layout.PageOid(1), 0x55));
            rig.Disk.FailWritesFrom = rig.Disk.WriteCount + 1;
            Assert.Equal(before + 1, Checkpointer.TakeCheckpoint());
            for (int i = 0; i < 1000 && Checkpointer.Writing; i++)
            {
                Checkpointer.Pump();
            }

            Assert.Contains($"checkpoint: stopped seq={before + 1}: log write: I/O error (disk error 3) after 8 tries; last committed seq={before}", rig.Machine.ConsoleText);
            Assert.Equal(before, Generation.Sequence);
            Assert.Equal(1u, Cache.DirtyCount);
            Assert.Equal(0u, Cache.PendingCount);
            Assert.Equal(CheckFailure.None, ConsistencyCheck.Run());
            image = rig.Disk.SurvivingImage();
        }

        using var again = new CheckpointerTestRig(image);
        Assert.Equal(0x77, CheckpointerTestRig.PageByte(Layout.PageOid(1)));
    }
}
