using System;
using CapOS.Kernel.Checkpoint;
using CapOS.Kernel.NodeTree;
using CapOS.Kernel.ObjectCache;
using Xunit;

namespace CapOS.Kernel.Tests.Checkpoint;

/// <summary>Each corruption of the cache is named by the consistency check, and a failed check commits nothing (issue #4 item 1).</summary>
public sealed unsafe class ConsistencyCheckTests
{
    private static readonly VolumeBuilder Layout = new();

    [Fact]
    public void SoundCacheWithPreparedKeysPasses()
    {
        using var rig = new CheckpointerTestRig(new VolumeBuilder().Build());
        PreparePageKey(Layout.NodeOid(1), 4, Layout.PageOid(7));
        Assert.True(CheckpointerTestRig.WritePage(Layout.PageOid(8), 3));
        Assert.Equal(CheckFailure.None, ConsistencyCheck.Run());
    }

    [Fact]
    public void ObjectOfTheWrongTypeIsNamed()
    {
        using var rig = new CheckpointerTestRig(new VolumeBuilder().Build());
        ObjectHeader* frame = CheckpointerTestRig.Page(Layout.PageOid(5));
        frame->ObType = ObType.Node;
        Expect(CheckFailure.WrongType, Layout.PageOid(5), rig);
        frame->ObType = ObType.Page;
    }

    [Fact]
    public void CleanObjectChangedWithoutDirtyingIsNamed()
    {
        using var rig = new CheckpointerTestRig(new VolumeBuilder().Build());
        Cache.PageData(CheckpointerTestRig.Page(Layout.PageOid(6)))[10] = 1;
        Assert.Equal(CheckFailure.None, ConsistencyCheck.RunStructural());
        Assert.Equal(CheckFailure.CleanChanged, ConsistencyCheck.Run());
        Assert.Equal(Layout.PageOid(6), ConsistencyCheck.FailedOid);
        ExpectBlockedDuringStabilization(Layout.PageOid(6), rig, corrupt: null);
    }

    /// <summary>
    /// The clean check runs after the pause: a clean frame corrupted while the snapshot is being written
    /// (no MarkDirty) still blocks the commit, and the line names it; the snapshot's objects go back to dirty.
    /// </summary>
    [Fact]
    public void CleanFrameCorruptedDuringStabilizationBlocksTheCommit()
    {
        using var rig = new CheckpointerTestRig(new VolumeBuilder().Build());
        ObjectHeader* victim = CheckpointerTestRig.Node(Layout.NodeOid(4));
        ExpectBlockedDuringStabilization(Layout.NodeOid(4), rig, corrupt: () =>
        {
            Assert.False(victim->IsDirty);
            *Node.Slot(Cache.NodeBody(victim), 3) = Key.Number(77, 0, 0);
            return true;
        });
    }

    [Fact]
    public void CleanCheckIsBoundedPerPumpAndHoldsTheCommitUntilItEnds()
    {
        using var rig = new CheckpointerTestRig(new VolumeBuilder().Build());
        for (uint i = 0; i < 20; i++)
        {
            CheckpointerTestRig.Page(Layout.PageOid(i));
        }

        Assert.True(CheckpointerTestRig.WritePage(Layout.PageOid(0), 5));
        ulong before = Generation.Sequence;
        Assert.NotEqual(0UL, Checkpointer.TakeCheckpoint());
        Assert.True(CheckpointWriter.CommitHeld);
        CheckpointerTestRig.BuildSnapshot();
        Checkpointer.Pump();
        Assert.Equal(ConsistencyCheck.CleanObjectsPerStep, ConsistencyCheck.CleanChecked);
        Assert.Equal(before, Generation.Sequence);
        CheckpointerTestRig.PumpUntilCommitted();
        Assert.False(CheckpointWriter.CommitHeld);
        Assert.True(ConsistencyCheck.CleanChecked >= 19, $"checked {ConsistencyCheck.CleanChecked}");
        Assert.Equal(before + 1, Generation.Sequence);
        Assert.Equal(0u, Cache.CheckBitmaps());
    }

    [Fact]
    public void UnreservedDirtyObjectIsNamed()
    {
        using var rig = new CheckpointerTestRig(new VolumeBuilder().Build());
        ObjectHeader* frame = CheckpointerTestRig.Node(Layout.NodeOid(2));
        frame->Flags |= ObjectFlags.Dirty;
        Expect(CheckFailure.NotReserved, Layout.NodeOid(2), rig);
    }

    [Fact]
    public void BrokenKeyRingIsNamed()
    {
        using var rig = new CheckpointerTestRig(new VolumeBuilder().Build());
        Key* key = PreparePageKey(Layout.NodeOid(1), 4, Layout.PageOid(7));
        ObjectHeader* other = CheckpointerTestRig.Page(Layout.PageOid(9));
        key->ObjectReference = KernelReference.From(other);
        Assert.Equal(CheckFailure.BadRing, ConsistencyCheck.Run());
    }

    [Fact]
    public void IllegalKeyTypeInANodeIsNamed()
    {
        using var rig = new CheckpointerTestRig(new VolumeBuilder().Build());
        ObjectHeader* frame = CheckpointerTestRig.Node(Layout.NodeOid(3));
        Assert.True(Cache.MarkDirty(frame));
        ((byte*)Node.Slot(Cache.NodeBody(frame), 7))[12] = 200;
        Expect(CheckFailure.IllegalKey, Layout.NodeOid(3), rig);
    }

    /// <summary>
    /// A checkpoint of one dirty page is started (the pause passes: C2 is not in it), then
    /// <paramref name="corrupt"/> (if any) changes a clean frame behind the cache's back; pumping must
    /// end with nothing committed, the line naming <paramref name="oid"/>, checkpointing stopped and the
    /// snapshot's page dirty again.
    /// </summary>
    private static void ExpectBlockedDuringStabilization(Oid oid, CheckpointerTestRig rig, Func<bool>? corrupt)
    {
        Assert.True(CheckpointerTestRig.WritePage(Layout.PageOid(8), 3));
        ulong before = Generation.Sequence;
        Assert.Equal(before + 1, Checkpointer.TakeCheckpoint());
        Assert.True(Checkpointer.Writing);
        Assert.True(corrupt == null || corrupt());
        Checkpointer.Drain();
        Assert.True(Checkpointer.Stopped);
        Assert.False(Checkpointer.Writing);
        Assert.Equal(before, Generation.Sequence);
        Assert.Equal(CheckpointPhase.Idle, CheckpointWriter.Phase);
        Assert.Contains($"checkpoint: check failed: {ConsistencyCheck.Name(CheckFailure.CleanChanged)} oid=0x{oid.Value:x}", rig.Machine.ConsoleText);
        Assert.True(CheckpointerTestRig.Page(Layout.PageOid(8))->IsDirty);
        Assert.Equal(0u, Cache.PendingCount);
        Assert.Equal(0u, Cache.CheckBitmaps());
        Checkpointer.Request(CheckpointReason.Key);
        Checkpointer.Pump();
        Assert.False(Checkpointer.Writing);
        Assert.Equal(before, Generation.Sequence);
    }

    private static Key* PreparePageKey(Oid node, int slot, Oid page)
    {
        ObjectHeader* holder = CheckpointerTestRig.Node(node);
        Assert.True(Cache.MarkDirty(holder));
        Key* key = Node.Slot(Cache.NodeBody(holder), slot);
        *key = Key.Object(KeyType.Page, page, 0, KeyRights.None, 0);
        Assert.Equal(CacheResult.Ok, Cache.PrepareKey(key, out ObjectHeader* target));
        Assert.True(target != null);
        return key;
    }

    /// <summary>
    /// The check names the invariant and the object; the checkpoint prints it, commits nothing and stops. The
    /// object checks run after the pause (the snapshot's objects as they are recorded, every cached object in
    /// the pass before the commit), so the snapshot is taken and the failure comes from the pump.
    /// </summary>
    private static void Expect(CheckFailure failure, Oid oid, CheckpointerTestRig rig)
    {
        Assert.Equal(failure, ConsistencyCheck.Run());
        Assert.Equal(oid, ConsistencyCheck.FailedOid);
        ulong before = Generation.Sequence;
        Checkpointer.TakeCheckpoint();
        Checkpointer.Drain();
        Assert.True(Checkpointer.Stopped);
        Assert.False(Checkpointer.Writing);
        Assert.Equal(CheckpointPhase.Idle, CheckpointWriter.Phase);
        Assert.Equal(before, Generation.Sequence);
        Assert.Contains($"checkpoint: check failed: {ConsistencyCheck.Name(failure)} oid=0x{oid.Value:x}", rig.Machine.ConsoleText);
        Checkpointer.Request(CheckpointReason.Key);
        Checkpointer.Pump();
        Assert.Equal(before, Generation.Sequence);
        Assert.False(Checkpointer.Writing);
    }
}
