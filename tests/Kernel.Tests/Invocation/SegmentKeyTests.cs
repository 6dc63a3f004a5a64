using System.Collections.Generic;
using CapOS.Kernel.Invocation;
using CapOS.Kernel.NodeTree;
using CapOS.Kernel.Process;
using CapOS.Kernel.Tests.Checkpoint;
using Xunit;
using static CapOS.Kernel.Tests.Invocation.ObjectKeys;

namespace CapOS.Kernel.Tests.Invocation;

/// <summary>
/// Segment keys take the node key's orders as far as their rights allow (SegmentKey; NodeKey I1; docs/invocation.md
/// "Node and segment keys"), and answer KT with Segment.
/// </summary>
public sealed unsafe class SegmentKeyTests : System.IDisposable
{
    private const byte Full = 5;
    private const byte ReadOnly = 6;
    private const byte Weak = 7;
    private const byte Opaque = 8;
    private const byte NoCall = 9;
    private const byte Number = 10;
    private readonly IpcRig _ipc = new();
    private readonly int _holder;
    private readonly Oid _segment;
    private readonly Oid _lower;
    private readonly Oid _page;

    /// <summary>Segment node S (height 2): slot 0 a height-1 segment key, slot 1 a page key, slot 2 a number.</summary>
    public SegmentKeyTests()
    {
        _segment = _ipc.Processes.FreeNode(0);
        _lower = _ipc.Processes.FreeNode(1);
        _page = _ipc.Processes.FreePage(10);
        _ipc.Processes.Node(_segment, new VolumeBuilder.NodeModel()
            .With(0, SegmentKey(_lower, 1))
            .With(1, PageKey(_page))
            .With(2, Key.Number(4, 5, 6)));
        _ipc.Processes.Node(_lower, new VolumeBuilder.NodeModel());
        _holder = _ipc.Add(RunState.Running, new Dictionary<int, Key>
        {
            [Full] = SegmentKey(_segment, 2),
            [ReadOnly] = SegmentKey(_segment, 2, KeyRights.ReadOnly),
            [Weak] = SegmentKey(_segment, 2, KeyRights.Weak),
            [Opaque] = SegmentKey(_segment, 2, KeyRights.Opaque),
            [NoCall] = SegmentKey(_segment, 2, KeyRights.NoCall),
            [Number] = Key.Number(7, 8, 9),
        });
        _ipc.Boot();
    }

    public void Dispose() => _ipc.Dispose();

    private InvocationReply Call(byte register, uint order, ulong w0 = 0, ulong w1 = 0, byte send0 = 0) =>
        ObjectKeys.Call(_ipc, _holder, register, order, w0, w1, 0, send0);

    private Key Replied => Register(_ipc, _holder, Reply);

    [Fact]
    public void ASegmentKeyAnswersSegmentToKt() =>
        Assert.Equal((ulong)KeyType.Segment, Call(Full, KeyOrder.AllegedKeyType).W0);

    [Fact]
    public void AFullSegmentKeyCopiesAndSwapsSlots()
    {
        Assert.Equal(InvocationResult.Ok, Call(Full, NodeOrder.CopySlot, 0).Result);
        Assert.True(Same(SegmentKey(_lower, 1), Replied));
        Assert.Equal(InvocationResult.Ok, Call(Full, NodeOrder.SwapSlot, 2, send0: Number).Result);
        Assert.True(Same(Key.Number(4, 5, 6), Replied));
        Assert.True(Same(Key.Number(7, 8, 9), Slot(_segment, 2)));
    }

    [Fact]
    public void NoCallLeavesEveryOrderAlone()
    {
        Assert.Equal(InvocationResult.Ok, Call(NoCall, NodeOrder.CopySlot, 1).Result);
        Assert.True(Same(PageKey(_page), Replied));
        Assert.Equal(InvocationResult.Ok, Call(NoCall, NodeOrder.WriteNumber, 3, 1).Result);
        Assert.Equal(InvocationResult.Ok, Call(NoCall, NodeOrder.MakeNodeKey, 0).Result);
        Assert.True(Same(NodeKey(_segment, KeyRights.NoCall), Replied)); // made keys keep the restriction
    }

    [Fact]
    public void AReadOnlySegmentKeyRefusesChanges()
    {
        Assert.Equal(InvocationResult.NoAccess, Call(ReadOnly, NodeOrder.SwapSlot, 2, send0: Number).Result);
        Assert.Equal(InvocationResult.NoAccess, Call(ReadOnly, NodeOrder.WriteNumber, 2, 1).Result);
        Assert.Equal(InvocationResult.NoAccess, Call(ReadOnly, NodeOrder.Clear).Result);
        Assert.True(Same(Key.Number(4, 5, 6), Slot(_segment, 2)));
        Assert.False(CheckpointerTestRig.Node(_segment)->IsDirty);
        Assert.Equal(InvocationResult.Ok, Call(ReadOnly, NodeOrder.CopySlot, 1).Result);
    }

    [Fact]
    public void AWeakSegmentKeyFetchesWeakenedKeys()
    {
        Assert.Equal(InvocationResult.Ok, Call(Weak, NodeOrder.CopySlot, 0).Result);
        Assert.True(Same(SegmentKey(_lower, 1, KeyRights.ReadOnly | KeyRights.Weak), Replied));
        Assert.Equal(InvocationResult.Ok, Call(Weak, NodeOrder.CopySlot, 1).Result);
        Assert.True(Same(PageKey(_page, KeyRights.ReadOnly), Replied));
    }

    [Fact]
    public void AnOpaqueSegmentKeyRefusesFetchesAndItsKeysStayOpaque()
    {
        Assert.Equal(InvocationResult.NoAccess, Call(Opaque, NodeOrder.CopySlot, 0).Result);
        Assert.Equal(InvocationResult.NoAccess, Call(Opaque, NodeOrder.SwapSlot, 0, send0: Number).Result);
        Assert.True(Same(SegmentKey(_lower, 1), Slot(_segment, 0)));
        Assert.Equal(InvocationResult.Ok, Call(Opaque, NodeOrder.MakeNodeKey, 0).Result);
        Assert.Equal(InvocationResult.NoAccess, Call(Reply, NodeOrder.CopySlot, 0).Result); // no way around it through a node key
    }

    [Fact]
    public void MakeSegmentKeyFromASegmentKeyChangesTheHeight()
    {
        Assert.Equal(InvocationResult.Ok, Call(ReadOnly, NodeOrder.MakeSegmentKey, 3).Result);
        Assert.True(Same(SegmentKey(_segment, 3, KeyRights.ReadOnly), Replied));
    }

    [Fact]
    public void ARescindedSegmentKeyIsVoid()
    {
        Assert.Equal(InvocationResult.Ok, Call(Full, NodeOrder.CopySlot, 0).Result);
        Rescind(CheckpointerTestRig.Node(_segment));
        Assert.Equal(InvocationResult.Void, Call(Full, NodeOrder.CopySlot, 0).Result);
        Assert.Equal(InvocationResult.Void, Call(NoCall, KeyOrder.AllegedKeyType).Result);
    }
}
