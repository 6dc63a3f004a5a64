using System.Collections.Generic;
using CapOS.Kernel.Invocation;
using CapOS.Kernel.NodeTree;
using CapOS.Kernel.Process;
using CapOS.Kernel.Tests.Checkpoint;
using Xunit;
using static CapOS.Kernel.Tests.Invocation.ObjectKeys;

namespace CapOS.Kernel.Tests.Invocation;

/// <summary>The discrim key: classes, discretion, comparison (DiscrimKey; docs/invocation.md "Discrim key").</summary>
public sealed unsafe class DiscrimKeyTests : System.IDisposable
{
    private const byte Discrim = 5;
    private const byte Number = 6;
    private const byte Page = 7;
    private const byte PageReadOnly = 8;
    private const byte NodeFull = 9;
    private const byte Sense = 10;
    private const byte SegmentReadOnlyNoCall = 11;
    private const byte SegmentReadOnly = 12;
    private const byte Sched = 13;
    private const byte Start = 14;
    private const byte Console = 1;
    private const byte Resume = 16;
    private const byte OtherDiscrim = 17;
    private const byte NodeAgain = 18;
    private const byte Process = 19;
    private const byte NodeReadOnly = 21;
    private const byte OtherNumber = 22;
    private readonly IpcRig _ipc = new();
    private readonly int _holder;
    private readonly Oid _node;

    public DiscrimKeyTests()
    {
        _node = _ipc.Processes.FreeNode(0);
        Oid page = _ipc.Processes.FreePage(10);
        _ipc.Processes.Node(_node, new VolumeBuilder.NodeModel());
        int target = _ipc.Add(RunState.Running);
        Oid root = _ipc.Processes.Root(target);
        _holder = _ipc.Add(RunState.Running, new Dictionary<int, Key>
        {
            [Discrim] = Key.Kernel(KeyType.Discrim, 0),
            [Number] = Key.Number(1, 2, 3),
            [Page] = PageKey(page),
            [PageReadOnly] = PageKey(page, KeyRights.ReadOnly),
            [NodeFull] = NodeKey(_node),
            [Sense] = NodeKey(_node, KeyRights.ReadOnly | KeyRights.Weak),
            [SegmentReadOnlyNoCall] = SegmentKey(_node, 1, KeyRights.ReadOnly | KeyRights.NoCall),
            [SegmentReadOnly] = SegmentKey(_node, 1, KeyRights.ReadOnly),
            [Sched] = Key.Kernel(KeyType.Sched, 4),
            [Start] = _ipc.StartKey(target, 1),
            [Resume] = Key.Object(KeyType.Resume, root, 0, KeyRights.None, 0),
            [OtherDiscrim] = Key.Kernel(KeyType.Discrim, 0),
            [NodeAgain] = NodeKey(_node),
            [Process] = Key.Object(KeyType.Process, root, 0, KeyRights.None, 0),
            [NodeReadOnly] = NodeKey(_node, KeyRights.ReadOnly),
            [OtherNumber] = Key.Number(1, 2, 4),
        });
        _ipc.Boot();
    }

    public void Dispose() => _ipc.Dispose();

    private ulong Ask(uint order, byte send0, byte send1 = 0)
    {
        InvocationReply reply = ObjectKeys.Call(_ipc, _holder, Discrim, order, send0: send0, send1: send1, receive: 0);
        Assert.Equal(InvocationResult.Ok, reply.Result);
        return reply.W0;
    }

    [Theory]
    [InlineData(0, DiscrimClass.Void)]
    [InlineData(Number, DiscrimClass.Number)]
    [InlineData(Resume, DiscrimClass.Resume)]
    [InlineData(Page, DiscrimClass.Memory)]
    [InlineData(NodeFull, DiscrimClass.Memory)]
    [InlineData(SegmentReadOnly, DiscrimClass.Memory)]
    [InlineData(Sched, DiscrimClass.Sched)]
    [InlineData(Start, DiscrimClass.Other)]
    [InlineData(Process, DiscrimClass.Other)]
    [InlineData(Console, DiscrimClass.Other)]
    [InlineData(Discrim, DiscrimClass.Other)]
    public void ClassifyNamesTheClass(byte register, ulong expected) => Assert.Equal(expected, Ask(DiscrimOrder.Classify, register));

    [Theory]
    [InlineData(0, 1UL)]
    [InlineData(Number, 1UL)]
    [InlineData(Discrim, 1UL)]
    [InlineData(PageReadOnly, 1UL)]
    [InlineData(SegmentReadOnlyNoCall, 1UL)]
    [InlineData(Sense, 1UL)]
    [InlineData(Page, 0UL)]
    [InlineData(SegmentReadOnly, 0UL)] // a keeper could be told
    [InlineData(NodeReadOnly, 0UL)] // fetches keys as they are
    [InlineData(NodeFull, 0UL)]
    [InlineData(Start, 0UL)]
    [InlineData(Console, 0UL)]
    [InlineData(Sched, 0UL)]
    public void IsDiscreetFollowsEros(byte register, ulong expected) => Assert.Equal(expected, Ask(DiscrimOrder.IsDiscreet, register));

    [Theory]
    [InlineData(NodeFull, NodeAgain, 1UL)]
    [InlineData(Page, Page, 1UL)]
    [InlineData(Discrim, OtherDiscrim, 1UL)]
    [InlineData(0, 0, 1UL)]
    [InlineData(Number, Number, 1UL)]
    [InlineData(Number, OtherNumber, 0UL)]
    [InlineData(NodeFull, NodeReadOnly, 0UL)] // other rights
    [InlineData(SegmentReadOnly, NodeReadOnly, 0UL)] // other type
    [InlineData(SegmentReadOnly, SegmentReadOnlyNoCall, 0UL)]
    [InlineData(NodeFull, 0, 0UL)]
    public void CompareTellsTheSameKey(byte first, byte second, ulong expected)
    {
        Assert.Equal(expected, Ask(DiscrimOrder.Compare, first, second));
        Assert.Equal(expected, Ask(DiscrimOrder.Compare, second, first));
    }

    [Fact]
    public void CompareSeesThroughPreparation()
    {
        Assert.NotEqual(DiscrimClass.Void, Ask(DiscrimOrder.Classify, NodeFull)); // prepared now; NodeAgain is not
        Assert.Equal(1UL, Ask(DiscrimOrder.Compare, NodeFull, NodeAgain));
    }

    [Fact]
    public void ARescindedKeyIsVoidToEveryOrder()
    {
        Assert.Equal(DiscrimClass.Memory, Ask(DiscrimOrder.Classify, NodeFull));
        Rescind(CheckpointerTestRig.Node(_node));
        Assert.Equal(DiscrimClass.Void, Ask(DiscrimOrder.Classify, NodeFull));
        Assert.Equal(1UL, Ask(DiscrimOrder.IsDiscreet, NodeFull));
        Assert.Equal(1UL, Ask(DiscrimOrder.Compare, NodeFull, 0));
    }

    [Fact]
    public void TheDiscrimKeyAnswersKtAndRefusesUnknownOrders()
    {
        Assert.Equal((ulong)KeyType.Discrim, ObjectKeys.Call(_ipc, _holder, Discrim, KeyOrder.AllegedKeyType).W0);
        Assert.Equal(InvocationResult.UnknownOrder, ObjectKeys.Call(_ipc, _holder, Discrim, 99).Result);
    }
}
