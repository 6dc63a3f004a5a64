using System.Collections.Generic;
using CapOS.Kernel.Invocation;
using CapOS.Kernel.NodeTree;
using CapOS.Kernel.ObjectCache;
using CapOS.Kernel.Process;
using CapOS.Kernel.Tests.Checkpoint;
using Xunit;
using static CapOS.Kernel.Tests.Invocation.ObjectKeys;

namespace CapOS.Kernel.Tests.Invocation;

/// <summary>
/// The node key's Clone order (NodeOrder.Clone; NodeKey I1, I2; docs/invocation.md "Node and segment keys"): every slot
/// of the invoked node becomes what CopySlot through sent key 0 would fetch.
/// </summary>
public sealed unsafe class NodeCloneTests : System.IDisposable
{
    private const byte Source = 5;
    private const byte SourceWeak = 6;
    private const byte SourceOpaque = 7;
    private const byte SourceReadOnlySegment = 8;
    private const byte Destination = 9;
    private const byte DestinationReadOnly = 10;
    private const byte Number = 11;
    private const byte TargetRoot = 12;
    private const byte Space = 13;
    private readonly IpcRig _ipc = new();
    private readonly int _target;
    private readonly int _mapped;
    private readonly int _holder;
    private readonly Oid _source;
    private readonly Oid _destination;
    private readonly Oid _other;
    private readonly Oid _space;
    private readonly Oid _page;
    private readonly Oid _spacePage;

    /// <summary>
    /// Source node S: slot 3 a number, 4 a page key, 5 a start key, 6 a node key, 31 a segment key. Destination D:
    /// slot 0 a number, 9 a page key. A third process's space is node P (slot 0 a page), reached through a node key too.
    /// </summary>
    public NodeCloneTests()
    {
        _source = _ipc.Processes.FreeNode(0);
        _destination = _ipc.Processes.FreeNode(1);
        _other = _ipc.Processes.FreeNode(2);
        _space = _ipc.Processes.FreeNode(3);
        _page = _ipc.Processes.FreePage(10);
        _spacePage = _ipc.Processes.FreePage(11);
        _target = _ipc.Add(RunState.Running);
        _mapped = _ipc.Add(RunState.Running, space: SegmentKey(_space, 1));
        _ipc.Processes.Node(_source, new VolumeBuilder.NodeModel()
            .With(3, Key.Number(1, 2, 3))
            .With(4, PageKey(_page))
            .With(5, _ipc.StartKey(_target, 9))
            .With(6, NodeKey(_other))
            .With(31, SegmentKey(_other, 2)));
        _ipc.Processes.Node(_destination, new VolumeBuilder.NodeModel()
            .With(0, Key.Number(4, 5, 6))
            .With(9, PageKey(_page)));
        _ipc.Processes.Node(_other, new VolumeBuilder.NodeModel());
        _ipc.Processes.Node(_space, new VolumeBuilder.NodeModel().With(0, PageKey(_spacePage)));
        _holder = _ipc.Add(RunState.Running, new Dictionary<int, Key>
        {
            [Source] = NodeKey(_source),
            [SourceWeak] = NodeKey(_source, KeyRights.Weak),
            [SourceOpaque] = NodeKey(_source, KeyRights.Opaque),
            [SourceReadOnlySegment] = SegmentKey(_source, 3, KeyRights.ReadOnly | KeyRights.NoCall),
            [Destination] = NodeKey(_destination),
            [DestinationReadOnly] = SegmentKey(_destination, 3, KeyRights.ReadOnly),
            [Number] = Key.Number(7, 8, 9),
            [TargetRoot] = NodeKey(_ipc.Processes.Root(_target)),
            [Space] = NodeKey(_space),
        });
        _ipc.Boot();
    }

    public void Dispose() => _ipc.Dispose();

    private InvocationReply Call(byte register, uint order, byte send0 = 0) => ObjectKeys.Call(_ipc, _holder, register, order, send0: send0);

    private static bool IsDirty(Oid node) => CheckpointerTestRig.Node(node)->IsDirty;

    [Fact]
    public void EverySlotBecomesACopyOfTheSourceSlot()
    {
        Assert.Equal(InvocationResult.Ok, Call(Destination, NodeOrder.Clone, Source).Result);
        for (int slot = 0; slot < Node.SlotCount; slot++)
        {
            Assert.True(Same(Slot(_source, slot), Slot(_destination, slot)), $"slot {slot}");
        }

        Assert.Equal(KeyType.Void, Slot(_destination, 0).Type); // the old number is gone: the source's slot 0 is void
        Assert.Equal(KeyType.Start, Slot(_destination, 5).Type);
        Assert.True(IsDirty(_destination));
        Assert.False(IsDirty(_source));
    }

    [Fact]
    public void AReadOnlySegmentKeyWillDoAsTheSourceAndKeysComeAsTheyAre()
    {
        Assert.Equal(InvocationResult.Ok, Call(Destination, NodeOrder.Clone, SourceReadOnlySegment).Result);
        Assert.True(Same(PageKey(_page), Slot(_destination, 4))); // read-only is not weak
        Assert.True(Same(NodeKey(_other), Slot(_destination, 6)));
    }

    [Fact]
    public void ThroughAWeakKeyEveryKeyIsWeakened()
    {
        Assert.Equal(InvocationResult.Ok, Call(Destination, NodeOrder.Clone, SourceWeak).Result);
        Assert.True(Same(Key.Number(1, 2, 3), Slot(_destination, 3)));
        Assert.True(Same(PageKey(_page, KeyRights.ReadOnly), Slot(_destination, 4)));
        Assert.Equal(KeyType.Void, Slot(_destination, 5).Type); // a start key conveys more than reading
        Assert.True(Same(NodeKey(_other, KeyRights.ReadOnly | KeyRights.Weak), Slot(_destination, 6)));
        Assert.True(Same(SegmentKey(_other, 2, KeyRights.ReadOnly | KeyRights.Weak), Slot(_destination, 31)));
    }

    [Fact]
    public void ANodeClonedFromItselfThroughAWeakKeyWeakensItsOwnSlots()
    {
        *_ipc.Entry(_holder)->KeyRegister(15) = NodeKey(_source, KeyRights.Weak);
        Assert.Equal(InvocationResult.Ok, Call(Source, NodeOrder.Clone, 15).Result);
        Assert.True(Same(PageKey(_page, KeyRights.ReadOnly), Slot(_source, 4)));
        Assert.True(Same(Key.Number(1, 2, 3), Slot(_source, 3)));
    }

    [Theory]
    [InlineData(DestinationReadOnly, Source, InvocationResult.NoAccess)] // the invoked key is read-only
    [InlineData(Destination, SourceOpaque, InvocationResult.NoAccess)] // the source's slots may not be fetched
    [InlineData(Destination, Number, InvocationResult.RequestError)] // not a node or segment key
    [InlineData(Destination, 0, InvocationResult.RequestError)] // nothing sent
    [InlineData(TargetRoot, Source, InvocationResult.RequestError)] // a loaded process's root
    public void ARefusedCloneChangesNothing(byte invoked, byte sent, InvocationResult expected)
    {
        Oid node = invoked == TargetRoot ? _ipc.Processes.Root(_target) : _destination;
        Key before = Slot(node, 3);
        Assert.Equal(expected, Call(invoked, NodeOrder.Clone, sent).Result);
        Assert.True(Same(before, Slot(node, 3)));
        Assert.True(Same(Key.Number(4, 5, 6), Slot(_destination, 0)));
        Assert.False(IsDirty(_destination));
    }

    [Fact]
    public void ARescindedSourceIsRefused()
    {
        Rescind(CheckpointerTestRig.Node(_source));
        Assert.Equal(InvocationResult.RequestError, Call(Destination, NodeOrder.Clone, Source).Result);
        Assert.True(Same(Key.Number(4, 5, 6), Slot(_destination, 0)));
    }

    [Fact]
    public void ACloneRemovesTheMappingsBuiltThroughTheSlotsItWrites()
    {
        ObjectHeader* root = CheckpointerTestRig.Node(_ipc.Processes.Root(_mapped));
        ulong space = AddressSpaces.CreateRoot();
        Assert.Equal(PageFaultResult.Mapped, Fault(root, space));
        var mmu = _ipc.Rig.Machine.Mmu;
        Assert.Equal(CheckpointerTestRig.Page(_spacePage)->Body, mmu.Access(space, 0, false));

        Assert.Equal(InvocationResult.Ok, Call(Space, NodeOrder.Clone, Destination).Result); // slot 0 becomes a number

        Assert.Null(mmu.Access(space, 0, false));
        Assert.Equal(PageFaultResult.InvalidAddress, Fault(root, space));
        AddressSpaces.DestroyRoot(space);
    }

    /// <summary>A read fault at 0, run again after the reads it waited for completed (as the woken process would).</summary>
    private static PageFaultResult Fault(ObjectHeader* root, ulong space)
    {
        PageFaultResult result = AddressSpaces.HandlePageFault(root, ProcessRoot.AddressSpace, space, 0, false);
        for (int retry = 0; retry < 8 && result == PageFaultResult.StallObject && AddressSpaces.LastCause == CacheResult.Pending; retry++)
        {
            Cache.CompleteReads();
            result = AddressSpaces.HandlePageFault(root, ProcessRoot.AddressSpace, space, 0, false);
        }

        return result;
    }

    [Fact]
    public void ARefusedDirtyingStallsWithNoEffect()
    {
        FillLog();
        Assert.Equal(DispatchOutcome.Stalled, Dispatch(_ipc, _holder, Destination, NodeOrder.Clone, out _, send0: Source, receive: 0));
        Assert.Equal(StallReason.LogSpace, _ipc.Entry(_holder)->Stalled);
        Assert.True(Same(Key.Number(4, 5, 6), Slot(_destination, 0)));
        Assert.False(IsDirty(_destination));
    }
}
