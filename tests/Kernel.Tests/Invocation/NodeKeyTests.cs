using System.Collections.Generic;
using CapOS.Kernel.Invocation;
using CapOS.Kernel.NodeTree;
using CapOS.Kernel.ObjectCache;
using CapOS.Kernel.Process;
using CapOS.Kernel.Tests.Checkpoint;
using Xunit;
using static CapOS.Kernel.Tests.Invocation.ObjectKeys;

namespace CapOS.Kernel.Tests.Invocation;

/// <summary>The node key's orders (NodeKey I1-I3; docs/invocation.md "Node and segment keys") from a stored process.</summary>
public sealed unsafe class NodeKeyTests : System.IDisposable
{
    private const byte Full = 5;
    private const byte ReadOnly = 6;
    private const byte Weak = 7;
    private const byte Opaque = 8;
    private const byte Number = 9;
    private const byte PageRegister = 10;
    private const byte TargetRoot = 11;
    private const byte Other = 12;
    private const byte Start = 13;
    private const byte Space = 14;
    private readonly IpcRig _ipc = new();
    private readonly int _target;
    private readonly int _mapped;
    private readonly int _holder;
    private readonly Oid _node;
    private readonly Oid _other;
    private readonly Oid _space;
    private readonly Oid _page;

    /// <summary>
    /// Node N: slot 5 a number, 6 a page key, 7 a start key, 8 a node key. The holder has node keys to N (full,
    /// read-only, weak, opaque), to another node, to a process root and to the segment node S of a third process
    /// (slots 0 and 1: pages).
    /// </summary>
    public NodeKeyTests()
    {
        _node = _ipc.Processes.FreeNode(0);
        _other = _ipc.Processes.FreeNode(1);
        _space = _ipc.Processes.FreeNode(2);
        _page = _ipc.Processes.FreePage(10);
        _target = _ipc.Add(RunState.Running);
        _mapped = _ipc.Add(RunState.Running, space: SegmentKey(_space, 1));
        _ipc.Processes.Node(_node, new VolumeBuilder.NodeModel()
            .With(5, Key.Number(1, 2, 3))
            .With(6, PageKey(_page))
            .With(7, _ipc.StartKey(_target, 9))
            .With(8, NodeKey(_other)));
        _ipc.Processes.Node(_other, new VolumeBuilder.NodeModel());
        _ipc.Processes.Node(_space, new VolumeBuilder.NodeModel()
            .With(0, PageKey(_ipc.Processes.FreePage(11)))
            .With(1, PageKey(_ipc.Processes.FreePage(12))));
        _holder = _ipc.Add(RunState.Running, new Dictionary<int, Key>
        {
            [Full] = NodeKey(_node),
            [ReadOnly] = NodeKey(_node, KeyRights.ReadOnly),
            [Weak] = NodeKey(_node, KeyRights.Weak),
            [Opaque] = NodeKey(_node, KeyRights.Opaque),
            [Number] = Key.Number(7, 8, 9),
            [PageRegister] = PageKey(_page),
            [TargetRoot] = NodeKey(_ipc.Processes.Root(_target)),
            [Other] = NodeKey(_other),
            [Start] = _ipc.StartKey(_target, 9),
            [Space] = NodeKey(_space),
        });
        _ipc.Boot();
    }

    public void Dispose() => _ipc.Dispose();

    private InvocationReply Call(byte register, uint order, ulong w0 = 0, ulong w1 = 0, ulong w2 = 0, byte send0 = 0) =>
        ObjectKeys.Call(_ipc, _holder, register, order, w0, w1, w2, send0);

    private Key Replied => Register(_ipc, _holder, Reply);

    private bool NodeIsDirty => CheckpointerTestRig.Node(_node)->IsDirty;

    [Fact]
    public void CopySlotRepliesACopyOfTheSlot()
    {
        Assert.Equal(InvocationResult.Ok, Call(Full, NodeOrder.CopySlot, 5).Result);
        Assert.True(Same(Key.Number(1, 2, 3), Replied));
        Assert.Equal(InvocationResult.Ok, Call(Full, NodeOrder.CopySlot, 6).Result);
        Assert.True(Same(PageKey(_page), Replied));
        Assert.False(NodeIsDirty);
    }

    [Theory]
    [InlineData(NodeOrder.CopySlot, 32UL)]
    [InlineData(NodeOrder.SwapSlot, 32UL)]
    [InlineData(NodeOrder.WriteNumber, 32UL)]
    [InlineData(NodeOrder.SwapSlot, ulong.MaxValue)]
    [InlineData(NodeOrder.WriteNumber, 1UL << 32)]
    public void ASlotOutOfRangeIsRefusedBeforeAnythingChanges(uint order, ulong slot)
    {
        Assert.Equal(InvocationResult.RequestError, Call(Full, order, slot, send0: Number).Result);
        Assert.Equal(KeyType.Void, Replied.Type);
        Assert.True(Same(Key.Number(1, 2, 3), Slot(_node, 5)));
        Assert.False(NodeIsDirty);
    }

    [Fact]
    public void SwapSlotStoresTheSentKeyAndRepliesTheOldOne()
    {
        Assert.Equal(InvocationResult.Ok, Call(Full, NodeOrder.SwapSlot, 5, send0: Number).Result);
        Assert.True(Same(Key.Number(1, 2, 3), Replied));
        Assert.True(Same(Key.Number(7, 8, 9), Slot(_node, 5)));

        Assert.Equal(InvocationResult.Ok, Call(Full, NodeOrder.SwapSlot, 5).Result); // no key sent: the slot becomes void
        Assert.True(Same(Key.Number(7, 8, 9), Replied));
        Assert.Equal(KeyType.Void, Slot(_node, 5).Type);
    }

    [Fact]
    public void SwappingAKeyRegisterNodeSlotWithTheKeyItHoldsKeepsIt()
    {
        // The holder's own key registers node, through a node key: slot Number swapped with the key it holds.
        ObjectHeader* frame = _ipc.Entry(_holder)->KeyRegistersFrame;
        *_ipc.Entry(_holder)->KeyRegister(15) = NodeKey(frame->Oid);
        Assert.Equal(InvocationResult.Ok, Call(15, NodeOrder.SwapSlot, Number, send0: Number).Result);
        Assert.True(Same(Key.Number(7, 8, 9), Replied));
        Assert.True(Same(Key.Number(7, 8, 9), Register(_ipc, _holder, Number)));
    }

    [Fact]
    public void AReadOnlyKeyRefusesEveryChangeAndFetchesKeysAsTheyAre()
    {
        Assert.Equal(InvocationResult.NoAccess, Call(ReadOnly, NodeOrder.SwapSlot, 5, send0: Number).Result);
        Assert.Equal(InvocationResult.NoAccess, Call(ReadOnly, NodeOrder.WriteNumber, 5, 1).Result);
        Assert.Equal(InvocationResult.NoAccess, Call(ReadOnly, NodeOrder.Clear).Result);
        Assert.True(Same(Key.Number(1, 2, 3), Slot(_node, 5)));
        Assert.Equal(KeyType.Start, Slot(_node, 7).Type);
        Assert.False(NodeIsDirty);

        Assert.Equal(InvocationResult.Ok, Call(ReadOnly, NodeOrder.CopySlot, 6).Result);
        Assert.True(Same(PageKey(_page), Replied)); // read-only is not weak: the page key keeps its rights
    }

    [Fact]
    public void AWeakKeyFetchesWeakenedKeys()
    {
        Assert.Equal(InvocationResult.Ok, Call(Weak, NodeOrder.CopySlot, 6).Result);
        Assert.True(Same(PageKey(_page, KeyRights.ReadOnly), Replied));
        Assert.Equal(InvocationResult.Ok, Call(Weak, NodeOrder.CopySlot, 8).Result);
        Assert.True(Same(NodeKey(_other, KeyRights.ReadOnly | KeyRights.Weak), Replied));
        Assert.Equal(InvocationResult.Ok, Call(Weak, NodeOrder.CopySlot, 5).Result);
        Assert.True(Same(Key.Number(1, 2, 3), Replied)); // numbers are data
        Assert.Equal(InvocationResult.Ok, Call(Weak, NodeOrder.CopySlot, 7).Result);
        Assert.Equal(KeyType.Void, Replied.Type); // a start key conveys more than reading: void

        // Weak alone is not read-only: a swap writes, and the key it hands back is weakened too.
        Assert.Equal(InvocationResult.Ok, Call(Weak, NodeOrder.SwapSlot, 8, send0: Number).Result);
        Assert.True(Same(NodeKey(_other, KeyRights.ReadOnly | KeyRights.Weak), Replied));
        Assert.True(Same(Key.Number(7, 8, 9), Slot(_node, 8)));
    }

    [Fact]
    public void AnOpaqueKeyRefusesFetchingSlots()
    {
        Assert.Equal(InvocationResult.NoAccess, Call(Opaque, NodeOrder.CopySlot, 5).Result);
        Assert.Equal(KeyType.Void, Replied.Type);
        Assert.Equal(InvocationResult.NoAccess, Call(Opaque, NodeOrder.SwapSlot, 5, send0: Number).Result);
        Assert.True(Same(Key.Number(1, 2, 3), Slot(_node, 5)));
        Assert.False(NodeIsDirty);
    }

    [Fact]
    public void MakeNodeKeyOnlyAddsRights()
    {
        Assert.Equal(InvocationResult.Ok, Call(ReadOnly, NodeOrder.MakeNodeKey, (ulong)KeyRights.Weak).Result);
        Assert.True(Same(NodeKey(_node, KeyRights.ReadOnly | KeyRights.Weak), Replied));
        Assert.Equal(InvocationResult.NoAccess, Call(Reply, NodeOrder.SwapSlot, 5, send0: Number).Result);
        Assert.Equal(InvocationResult.Ok, Call(Full, NodeOrder.MakeNodeKey, 0).Result);
        Assert.True(Same(NodeKey(_node), Replied));
        Assert.Equal(InvocationResult.RequestError, Call(Full, NodeOrder.MakeNodeKey, 0x10).Result);
    }

    [Theory]
    [InlineData(3UL, InvocationResult.Ok)]
    [InlineData(10UL, InvocationResult.Ok)]
    [InlineData(0x103UL, InvocationResult.Ok)] // a red segment
    [InlineData(0UL, InvocationResult.RequestError)]
    [InlineData(11UL, InvocationResult.RequestError)]
    [InlineData(0x203UL, InvocationResult.RequestError)]
    [InlineData(0x10003UL, InvocationResult.RequestError)]
    public void MakeSegmentKeyTakesAHeightTheWalkAccepts(ulong keyData, InvocationResult expected)
    {
        Assert.Equal(expected, Call(ReadOnly, NodeOrder.MakeSegmentKey, keyData, (ulong)KeyRights.NoCall).Result);
        if (expected == InvocationResult.Ok)
        {
            Assert.True(Same(Key.Object(KeyType.Segment, _node, 0, KeyRights.ReadOnly | KeyRights.NoCall, (ushort)keyData), Replied));
            Assert.Equal((ulong)KeyType.Segment, Call(Reply, KeyOrder.AllegedKeyType).W0);
        }
    }

    [Fact]
    public void MakeSegmentKeyRefusesUnknownRights() =>
        Assert.Equal(InvocationResult.RequestError, Call(Full, NodeOrder.MakeSegmentKey, 2, 0x10).Result);

    [Fact]
    public void ClearVoidsEverySlot()
    {
        Assert.Equal(InvocationResult.Ok, Call(Full, NodeOrder.Clear).Result);
        for (int slot = 0; slot < Node.SlotCount; slot++)
        {
            Assert.Equal(KeyType.Void, Slot(_node, slot).Type);
        }

        Assert.True(NodeIsDirty);
    }

    [Fact]
    public void WriteNumberStoresNinetySixBits()
    {
        Assert.Equal(InvocationResult.Ok, Call(Full, NodeOrder.WriteNumber, 9, 0x1111_2222_3333_4444, 0x55).Result);
        Assert.True(Same(Key.Number(0x3333_4444, 0x1111_2222, 0x55), Slot(_node, 9)));
        Assert.Equal(InvocationResult.RequestError, Call(Full, NodeOrder.WriteNumber, 10, 1, 1UL << 32).Result);
        Assert.Equal(KeyType.Void, Slot(_node, 10).Type);
    }

    [Fact]
    public void CompareTellsKeysToThisNodeFromTheRest()
    {
        Assert.Equal(1UL, Call(Full, NodeOrder.Compare, send0: Full).W0);
        Assert.Equal(1UL, Call(Full, NodeOrder.Compare, send0: Opaque).W0); // any rights
        Assert.Equal(InvocationResult.Ok, Call(Full, NodeOrder.MakeSegmentKey, 2).Result);
        Assert.Equal(1UL, Call(Full, NodeOrder.Compare, send0: Reply).W0); // a segment key to the same node
        Assert.Equal(0UL, Call(Full, NodeOrder.Compare, send0: Other).W0);
        Assert.Equal(0UL, Call(Full, NodeOrder.Compare, send0: Number).W0);
        Assert.Equal(0UL, Call(Full, NodeOrder.Compare, send0: Start).W0);
        InvocationReply none = Call(Full, NodeOrder.Compare);
        Assert.Equal(InvocationResult.Ok, none.Result);
        Assert.Equal(0UL, none.W0); // nothing sent: void is no key to this node
    }

    [Fact]
    public void AnUnknownOrderIsRefused() => Assert.Equal(InvocationResult.UnknownOrder, Call(Full, 99).Result);

    [Fact]
    public void ARescindedNodeKeyIsVoid()
    {
        Assert.Equal(InvocationResult.Ok, Call(Full, NodeOrder.CopySlot, 5).Result); // prepared now
        Assert.Equal(1UL, Call(Other, NodeOrder.Compare, send0: Other).W0);
        Rescind(CheckpointerTestRig.Node(_node));

        Assert.Equal(InvocationResult.Void, Call(Full, NodeOrder.CopySlot, 5).Result);
        Assert.Equal(InvocationResult.Void, Call(ReadOnly, KeyOrder.AllegedKeyType).Result);
        Assert.Equal(KeyType.Void, Replied.Type);
        Assert.Equal(InvocationResult.Ok, Call(Other, NodeOrder.SwapSlot, 0, send0: Full).Result);
        Assert.Equal(KeyType.Void, Slot(_other, 0).Type); // a rescinded key sent is void
    }

    [Fact]
    public void RootSlotsThreeAndFourOfALoadedProcessAreNotWritten()
    {
        Oid root = _ipc.Processes.Root(_target);
        Assert.True(_ipc.Entry(_target) != null);
        Key registers = Slot(root, ProcessRoot.KeyRegisters);
        Assert.Equal(InvocationResult.RequestError, Call(TargetRoot, NodeOrder.SwapSlot, ProcessRoot.KeyRegisters, send0: Number).Result);
        Assert.Equal(InvocationResult.RequestError, Call(TargetRoot, NodeOrder.WriteNumber, ProcessRoot.RegisterAnnex, 1).Result);
        Assert.Equal(InvocationResult.RequestError, Call(TargetRoot, NodeOrder.Clear).Result);
        Assert.True(Same(registers, Slot(root, ProcessRoot.KeyRegisters)));
        Assert.Equal(KeyType.Page, Slot(root, ProcessRoot.RegisterAnnex).Type);

        Assert.Equal(InvocationResult.Ok, Call(TargetRoot, NodeOrder.CopySlot, ProcessRoot.KeyRegisters).Result);
        Assert.True(Same(registers, Replied));
        Assert.Equal(InvocationResult.Ok, Call(TargetRoot, NodeOrder.SwapSlot, ProcessRoot.Brand, send0: Number).Result);
    }

    [Fact]
    public void WritingTheStateSlotOfALoadedProcessIsTakenIntoIt()
    {
        ProcessEntry* target = _ipc.Entry(_target);
        Assert.True(target->Runnable);
        Assert.Equal(InvocationResult.Ok, Call(TargetRoot, NodeOrder.WriteNumber, ProcessRoot.State, (ulong)RunState.Running | (5UL << 32)).Result);
        Assert.Equal(5U, target->FaultCode);
        Assert.False(target->Runnable);
    }

    [Fact]
    public void TheInvokerCannotWriteItsOwnStateSlots()
    {
        *_ipc.Entry(_holder)->KeyRegister(15) = NodeKey(_ipc.Processes.Root(_holder));
        Assert.Equal(InvocationResult.RequestError, Call(15, NodeOrder.WriteNumber, ProcessRoot.State, (ulong)RunState.Running | (5UL << 32)).Result);
        Assert.Equal(InvocationResult.RequestError, Call(15, NodeOrder.SwapSlot, ProcessRoot.FaultInfo, send0: Number).Result);
        Assert.True(_ipc.Entry(_holder)->Runnable);
        Assert.Equal(InvocationResult.Ok, Call(15, NodeOrder.CopySlot, ProcessRoot.State).Result);
    }

    [Fact]
    public void ASlotWriteRemovesExactlyTheMappingsBuiltThroughIt()
    {
        ObjectHeader* root = CheckpointerTestRig.Node(_ipc.Processes.Root(_mapped));
        ulong space = AddressSpaces.CreateRoot();
        Assert.Equal(PageFaultResult.Mapped, Fault(root, space, 0));
        Assert.Equal(PageFaultResult.Mapped, Fault(root, space, 0x1000));
        var mmu = _ipc.Rig.Machine.Mmu;
        Assert.Equal(CheckpointerTestRig.Page(_ipc.Processes.FreePage(11))->Body, mmu.Access(space, 0, false));

        Assert.Equal(InvocationResult.Ok, Call(Space, NodeOrder.SwapSlot, 0, send0: PageRegister).Result);

        Assert.Null(mmu.Access(space, 0, false)); // built through slot 0: gone
        Assert.Equal(CheckpointerTestRig.Page(_ipc.Processes.FreePage(12))->Body, mmu.Access(space, 0x1000, false));
        Assert.Equal(PageFaultResult.Mapped, Fault(root, space, 0));
        Assert.Equal(CheckpointerTestRig.Page(_page)->Body, mmu.Access(space, 0, false)); // the new key's page
        AddressSpaces.DestroyRoot(space);
    }

    /// <summary>A read fault at <paramref name="address"/>, run again after the reads it waited for completed (as the woken process would).</summary>
    private static PageFaultResult Fault(ObjectHeader* root, ulong space, ulong address)
    {
        PageFaultResult result = AddressSpaces.HandlePageFault(root, ProcessRoot.AddressSpace, space, address, false);
        for (int retry = 0; retry < 8 && result == PageFaultResult.StallObject && AddressSpaces.LastCause == CacheResult.Pending; retry++)
        {
            Cache.CompleteReads();
            result = AddressSpaces.HandlePageFault(root, ProcessRoot.AddressSpace, space, address, false);
        }

        return result;
    }

    [Fact]
    public void ARefusedDirtyingStallsWithNoEffect()
    {
        FillLog();
        Assert.Equal(DispatchOutcome.Stalled, Dispatch(_ipc, _holder, Full, NodeOrder.WriteNumber, out _, 5, 1, receive: 0));
        Assert.Equal(StallReason.LogSpace, _ipc.Entry(_holder)->Stalled);
        Assert.True(Same(Key.Number(1, 2, 3), Slot(_node, 5)));
        Assert.False(NodeIsDirty);
    }
}
