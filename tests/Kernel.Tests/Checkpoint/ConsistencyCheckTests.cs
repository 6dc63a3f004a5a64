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
        Expect(CheckFailure.CleanChanged, Layout.PageOid(6), rig);
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

    /// <summary>The check names the invariant and the object; the checkpoint prints it, commits nothing and stops.</summary>
    private static void Expect(CheckFailure failure, Oid oid, CheckpointerTestRig rig)
    {
        Assert.Equal(failure, ConsistencyCheck.Run());
        Assert.Equal(oid, ConsistencyCheck.FailedOid);
        ulong before = Generation.Sequence;
        Assert.Equal(0UL, Checkpointer.TakeCheckpoint());
        Assert.True(Checkpointer.Stopped);
        Assert.Equal(before, Generation.Sequence);
        Assert.Contains($"checkpoint: check failed: {ConsistencyCheck.Name(failure)} oid=0x{oid.Value:x}", rig.Machine.ConsoleText);
        Checkpointer.Request(CheckpointReason.Key);
        Checkpointer.Pump();
        Assert.Equal(before, Generation.Sequence);
        Assert.False(Checkpointer.Writing);
    }
}
