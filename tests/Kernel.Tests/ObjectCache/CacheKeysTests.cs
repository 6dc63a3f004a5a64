using CapOS.Kernel.Checkpoint;
using CapOS.Kernel.NodeTree;
using CapOS.Kernel.ObjectCache;
using CapOS.Kernel.Tests.Checkpoint;
using Xunit;

namespace CapOS.Kernel.Tests.ObjectCache;

public sealed unsafe class CacheKeysTests
{
    private static VolumeBuilder Graph()
    {
        var builder = new VolumeBuilder();
        builder.Page(builder.PageOid(1), null, 5);
        builder.Node(builder.NodeOid(2), new VolumeBuilder.NodeModel { AllocCount = 1, CallCount = 4 });
        builder.Node(builder.NodeOid(0), new VolumeBuilder.NodeModel { AllocCount = 1 }
            .With(0, Key.Object(KeyType.Page, builder.PageOid(1), 5, KeyRights.None, 0))
            .With(1, Key.Object(KeyType.Page, builder.PageOid(1), 5, KeyRights.ReadOnly, 0))
            .With(2, Key.Object(KeyType.Page, builder.PageOid(1), 4, KeyRights.None, 0))
            .With(3, Key.Object(KeyType.Resume, builder.NodeOid(2), 4, KeyRights.None, 0))
            .With(4, Key.Object(KeyType.Start, builder.NodeOid(2), 1, KeyRights.None, 7))
            .With(5, Key.Number(1, 2, 3)));
        return builder;
    }

    private static Node* LoadRoot(VolumeBuilder builder, out ObjectHeader* root)
    {
        Assert.Equal(CacheResult.Ok, Cache.GetNode(builder.NodeOid(0), out root));
        return Cache.NodeBody(root);
    }

    [Fact]
    public void PreparedKeysLinkOnTheRingAndKeepTheNodeCrc()
    {
        using var machine = TestStore.Machine();
        VolumeBuilder builder = Graph();
        Assert.Equal(RecoveryFault.None, TestStore.Recover(builder.Build(), 8, 8).Fault);
        Node* body = LoadRoot(builder, out ObjectHeader* root);
        uint crc = root->Crc;
        Assert.Equal(crc, Cache.ComputeCrc(root));
        Assert.Equal(CacheResult.Ok, Cache.PrepareKey(Node.Slot(body, 0), out ObjectHeader* page));
        Assert.Equal(CacheResult.Ok, Cache.PrepareKey(Node.Slot(body, 1), out ObjectHeader* again));
        Assert.True(page != null && page == again);
        Assert.True(Node.Slot(body, 0)->IsPrepared);
        Assert.Equal(2u, Cache.RingLength(page));
        Assert.Equal(CacheResult.Ok, Cache.PrepareKey(Node.Slot(body, 3), out ObjectHeader* resumeTarget));
        Assert.Equal(CacheResult.Ok, Cache.PrepareKey(Node.Slot(body, 4), out ObjectHeader* startTarget));
        Assert.True(resumeTarget != null && resumeTarget == startTarget);
        Assert.Equal(CacheResult.Ok, Cache.PrepareKey(Node.Slot(body, 5), out ObjectHeader* none));
        Assert.True(none == null);
        Assert.Equal(crc, Cache.ComputeCrc(root));
        Assert.Equal(0u, Cache.CheckRings());
        Key disk;
        Cache.DiskForm(Node.Slot(body, 1), &disk);
        Assert.Equal((builder.PageOid(1).Value, 5u, KeyRights.ReadOnly, false), (disk.Oid.Value, disk.AllocCount, disk.Rights, disk.IsPrepared));
    }

    /// <summary>
    /// The consistency check's quick primitives (Cache.Check.cs) answer what the general routines answer,
    /// on a sound cache and after each corruption: wrong kind, frame missing from its hash chain, a key
    /// naming another header (ring), an undefined key type.
    /// </summary>
    [Fact]
    public void FastCheckPrimitivesAgreeWithTheGeneralOnes()
    {
        using var machine = TestStore.Machine();
        VolumeBuilder builder = Graph();
        Assert.Equal(RecoveryFault.None, TestStore.Recover(builder.Build(), 8, 8).Fault);
        Node* body = LoadRoot(builder, out ObjectHeader* root);
        Assert.Equal(CacheResult.Ok, Cache.PrepareKey(Node.Slot(body, 0), out ObjectHeader* page));
        Assert.Equal(CacheResult.Ok, Cache.PrepareKey(Node.Slot(body, 3), out ObjectHeader* process));
        AssertAgree(0, false);

        Node.Slot(body, 9)->SetHazards(KeyFlags.None);
        ((byte*)Node.Slot(body, 9))[Key.TypeOffset] = 200;
        AssertAgree(0, true);
        ((byte*)Node.Slot(body, 9))[Key.TypeOffset] = (byte)KeyType.Void;

        uint reference = Node.Slot(body, 0)->ObjectReference;
        Node.Slot(body, 0)->ObjectReference = KernelReference.From(process);
        AssertAgree(2, false);
        Node.Slot(body, 0)->ObjectReference = reference;

        root->ObType = ObType.Page;
        Assert.False(Cache.HoldsOwnObject(root));
        root->ObType = ObType.Node;
        Oid oid = page->Oid;
        page->Oid = new Oid(oid.Value + 1000);
        Assert.False(Cache.HoldsOwnObject(page));
        page->Oid = oid;
        AssertAgree(0, false);
    }

    /// <summary>Over every cached object: the quick answers equal the general ones; totals as expected.</summary>
    private static void AssertAgree(uint ringViolations, bool illegal)
    {
        uint total = 0;
        bool anyIllegal = false;
        for (ObjectHeader* frame = Cache.NextUsed(null); frame != null; frame = Cache.NextUsed(frame))
        {
            ObType kind = Cache.IsPageFrame(frame) ? ObType.Page : ObType.Node;
            Assert.Equal(frame->ObType == kind && Cache.Lookup(frame->Oid) == frame, Cache.HoldsOwnObject(frame));
            bool slotIllegal = false;
            uint quick = Cache.CheckRingQuick(frame) + (frame->ObType == ObType.Node ? Cache.CheckNodeSlots(frame, out slotIllegal) : 0);
            Assert.Equal(Cache.CheckObjectRings(frame), quick);
            total += quick;
            anyIllegal |= slotIllegal;
            Assert.True(Cache.HeaderAt(frame->Index) == frame);
            Assert.NotEqual(0UL, Cache.UsedWord(frame->Index >> 6) & (1UL << (int)(frame->Index & 63)));
        }

        Assert.Equal(ringViolations, total);
        Assert.Equal(illegal, anyIllegal);
    }

    [Fact]
    public void KeyWithAnotherAllocCountReadsAsVoidAndStaysUnprepared()
    {
        using var machine = TestStore.Machine();
        VolumeBuilder builder = Graph();
        Assert.Equal(RecoveryFault.None, TestStore.Recover(builder.Build(), 8, 8).Fault);
        Node* body = LoadRoot(builder, out _);
        Key before = *Node.Slot(body, 2);
        Assert.Equal(CacheResult.Ok, Cache.PrepareKey(Node.Slot(body, 2), out ObjectHeader* target));
        Assert.True(target == null);
        Assert.False(Node.Slot(body, 2)->IsPrepared);
        Assert.Equal(before.AllocCount, Node.Slot(body, 2)->AllocCount);
        Assert.Equal(0u, Cache.RingLength(Cache.Lookup(builder.PageOid(1))));
    }

    [Fact]
    public void EvictingATargetUnpreparesTheKeysPointingAtIt()
    {
        using var machine = TestStore.Machine();
        VolumeBuilder builder = Graph();
        Assert.Equal(RecoveryFault.None, TestStore.Recover(builder.Build(), 8, 8).Fault);
        Node* body = LoadRoot(builder, out ObjectHeader* root);
        Assert.Equal(CacheResult.Ok, Cache.PrepareKey(Node.Slot(body, 0), out ObjectHeader* page));
        Assert.Equal(CacheResult.Ok, Cache.PrepareKey(Node.Slot(body, 1), out _));
        Assert.True(Cache.Evict(page));
        Assert.True(Cache.Lookup(builder.PageOid(1)) == null);
        for (int s = 0; s < 2; s++)
        {
            Key* key = Node.Slot(body, s);
            Assert.False(key->IsPrepared);
            Assert.Equal((builder.PageOid(1).Value, 5u), (key->Oid.Value, key->AllocCount));
        }

        Assert.Equal(root->Crc, Cache.ComputeCrc(root));
        Assert.Equal(0u, Cache.CheckRings());
    }

    [Fact]
    public void EvictingAHolderUnlinksItsKeysFromOtherRings()
    {
        using var machine = TestStore.Machine();
        VolumeBuilder builder = Graph();
        Assert.Equal(RecoveryFault.None, TestStore.Recover(builder.Build(), 8, 8).Fault);
        Node* body = LoadRoot(builder, out ObjectHeader* root);
        Assert.Equal(CacheResult.Ok, Cache.PrepareKey(Node.Slot(body, 0), out ObjectHeader* page));
        Assert.Equal(CacheResult.Ok, Cache.PrepareKey(Node.Slot(body, 4), out ObjectHeader* process));
        Assert.Equal(1u, Cache.RingLength(page));
        Assert.True(Cache.Evict(root));
        Assert.Equal(0u, Cache.RingLength(page));
        Assert.Equal(0u, Cache.RingLength(process));
        Assert.Equal(0u, Cache.CheckRings());
    }

    [Fact]
    public void EvictionUnderPressureUnpreparesAndReloadsNodesUnprepared()
    {
        using var machine = TestStore.Machine();
        VolumeBuilder builder = Graph();
        Assert.Equal(RecoveryFault.None, TestStore.Recover(builder.Build(), 2, 2).Fault);
        Node* body = LoadRoot(builder, out ObjectHeader* root);
        Assert.Equal(CacheResult.Ok, Cache.PrepareKey(Node.Slot(body, 0), out _));
        for (ulong i = 10; i < 20; i++)
        {
            Assert.Equal(CacheResult.Ok, Cache.GetNode(builder.NodeOid(i), out _));
            Assert.Equal(CacheResult.Ok, Cache.GetPage(builder.PageOid(i), out _));
        }

        Assert.True(Cache.Lookup(builder.NodeOid(0)) == null);
        Assert.Equal(0u, Cache.CheckRings());
        body = LoadRoot(builder, out root);
        Assert.False(Node.Slot(body, 0)->IsPrepared);
        Assert.Equal(Cache.ComputeCrc(root), root->Crc);
    }

    [Fact]
    public void RescindMakesOldKeysVoid()
    {
        using var machine = TestStore.Machine();
        VolumeBuilder builder = Graph();
        Assert.Equal(RecoveryFault.None, TestStore.Recover(builder.Build(), 8, 8).Fault);
        Node* body = LoadRoot(builder, out ObjectHeader* root);
        Assert.Equal(CacheResult.Ok, Cache.PrepareKey(Node.Slot(body, 0), out ObjectHeader* page));
        Assert.True(page != null);
        Assert.False(Cache.Rescind(page)); // not dirty: nothing changes
        Assert.Equal(5u, page->AllocCount);
        Assert.True(Cache.MarkDirty(page));
        Assert.True(Cache.Rescind(page));
        Assert.Equal(6u, page->AllocCount);
        Assert.Equal(0u, Cache.RingLength(page));
        Assert.False(Node.Slot(body, 0)->IsPrepared);
        Assert.Equal(5u, Node.Slot(body, 0)->AllocCount);
        Assert.Equal(CacheResult.Ok, Cache.PrepareKey(Node.Slot(body, 0), out ObjectHeader* stale));
        Assert.True(stale == null, "a key to the old incarnation must read void");
        Assert.Equal(0u, Cache.CheckRings());
    }
}
