using System.Collections.Generic;
using CapOS.Kernel.Checkpoint;
using CapOS.Kernel.Invocation;
using CapOS.Kernel.NodeTree;
using CapOS.Kernel.ObjectCache;
using CapOS.Kernel.Process;
using CapOS.Kernel.Tests.Checkpoint;
using CapOS.Kernel.Tests.Process;
using Xunit;
using static CapOS.Kernel.Tests.Invocation.KeyInvoker;

namespace CapOS.Kernel.Tests.Invocation;

/// <summary>
/// The range and prime range keys (RangeKey, PrimeRangeKey; docs/invocation.md "Range key"): every order with good and
/// bad arguments, and rescind: every old key void (key registers, node slots, hardware mappings, a process made of the
/// object), content zero, surviving a checkpoint and recovery.
/// </summary>
public sealed unsafe class RangeKeyTests
{
    private const byte Pages = 1;      // range over FreePage(0..7)
    private const byte Nodes = 2;      // range over FreeNode(0..7)
    private const byte Prime = 3;
    private const byte PageKey = 4;    // page key to FreePage(1)
    private const byte NodeKey = 5;    // node key to FreeNode(1)
    private const byte Holder = 6;     // node key to FreeNode(0)
    private const ulong Span = 8;

    private readonly StoredProcesses _processes = new();

    public RangeKeyTests()
    {
        _processes.Add(RunState.Running, new Dictionary<int, Key>
        {
            [Pages] = Key.Range(KeyType.Range, _processes.FreePage(0), (uint)Span),
            [Nodes] = Key.Range(KeyType.Range, _processes.FreeNode(0), (uint)Span),
            [Prime] = Key.Kernel(KeyType.PrimeRange, 0),
            [PageKey] = Key.Object(KeyType.Page, _processes.FreePage(1), 0, KeyRights.None, 0),
            [NodeKey] = Key.Object(KeyType.Node, _processes.FreeNode(1), 0, KeyRights.None, 0),
            [Holder] = Key.Object(KeyType.Node, _processes.FreeNode(0), 0, KeyRights.None, 0),
        }, root => root.With(ProcessRoot.AddressSpace, Key.Object(KeyType.Page, _processes.FreePage(2), 0, KeyRights.None, 0)));
        _processes.Add(RunState.Running);
    }

    private ProcessEntry* Invoker => _processes.Entry(0);

    [Fact]
    public void MakePageAndNodeKeysReplyKeysWithTheCurrentAllocCount()
    {
        using var rig = _processes.Boot();

        Assert.Equal(DispatchOutcome.Reply, Call(Invoker, Pages, RangeOrder.MakePageKey, out InvocationReply reply, w0: 3));
        Assert.Equal(InvocationResult.Ok, reply.Result);
        Assert.Equal(0UL, reply.W0);
        Key made = Register(Invoker, ReplyRegister);
        Assert.Equal(KeyType.Page, made.Type);
        Assert.Equal(_processes.FreePage(3), made.Oid);
        Assert.True(Designates(Invoker, ReplyRegister));

        Call(Invoker, Nodes, RangeOrder.MakeNodeKey, out reply, w0: 7);
        Assert.Equal(InvocationResult.Ok, reply.Result);
        Assert.Equal(KeyType.Node, Register(Invoker, ReplyRegister).Type);
        Assert.Equal(_processes.FreeNode(7), Register(Invoker, ReplyRegister).Oid);
    }

    [Theory]
    [InlineData(Pages, RangeOrder.MakePageKey, Span)]          // offset beyond the range
    [InlineData(Pages, RangeOrder.MakePageKey, ulong.MaxValue)]
    [InlineData(Pages, RangeOrder.MakeNodeKey, 1UL)]           // a page OID asked for as a node
    [InlineData(Nodes, RangeOrder.MakePageKey, 1UL)]           // a node OID asked for as a page
    [InlineData(Pages, RangeOrder.Rescind, Span)]
    [InlineData(Nodes, RangeOrder.Query, Span)]
    public void BadOffsetsAndWrongKindsAreRequestErrorsAndMakeNothing(byte register, uint order, ulong offset)
    {
        using var rig = _processes.Boot();

        Call(Invoker, register, order, out InvocationReply reply, w0: offset);

        Assert.Equal(InvocationResult.RequestError, reply.Result);
        Assert.Equal(KeyType.Void, Register(Invoker, ReplyRegister).Type);
        Assert.Equal(0u, CheckpointerTestRig.Page(_processes.FreePage(1))->AllocCount);
    }

    [Fact]
    public void QueryRepliesTypeAndAllocCount()
    {
        using var rig = _processes.Boot();

        Call(Invoker, Pages, RangeOrder.Query, out InvocationReply reply, w0: 1);
        Assert.Equal(InvocationResult.Ok, reply.Result);
        Assert.Equal((ulong)ObType.Page, reply.W0);
        Assert.Equal(0UL, reply.W1);
        Call(Invoker, Pages, RangeOrder.Rescind, out _, w0: 1);
        Call(Invoker, Pages, RangeOrder.Query, out reply, w0: 1);
        Assert.Equal(1UL, reply.W1);
        Call(Invoker, Nodes, RangeOrder.Query, out reply, w0: 1);
        Assert.Equal((ulong)ObType.Node, reply.W0);
    }

    [Fact]
    public void IdentifyTellsTheOffsetTypeAndCountOfALiveKeyOfTheRangeOnly()
    {
        using var rig = _processes.Boot();

        Call(Invoker, Pages, RangeOrder.Identify, out InvocationReply reply, send: PageKey);
        Assert.Equal(InvocationResult.Ok, reply.Result);
        Assert.Equal(1UL, reply.W0);
        Assert.Equal((ulong)ObType.Page, reply.W1);
        Assert.Equal(0UL, reply.W2);
        Call(Invoker, Prime, RangeOrder.Identify, out reply, send: NodeKey);
        Assert.Equal(InvocationResult.Ok, reply.Result);
        Assert.Equal(_processes.FreeNode(1).Value, reply.W0);
        Assert.Equal((ulong)ObType.Node, reply.W1);

        // Outside the range, not an object key, nothing sent: refused.
        Call(Invoker, Nodes, RangeOrder.Identify, out reply, send: PageKey);
        Assert.Equal(InvocationResult.RequestError, reply.Result);
        Call(Invoker, Pages, RangeOrder.Identify, out reply, send: Prime);
        Assert.Equal(InvocationResult.RequestError, reply.Result);
        Call(Invoker, Pages, RangeOrder.Identify, out reply);
        Assert.Equal(InvocationResult.RequestError, reply.Result);

        // A rescinded key names nothing; a new key names the new incarnation.
        Call(Invoker, Pages, RangeOrder.Rescind, out _, w0: 1);
        Call(Invoker, Pages, RangeOrder.Identify, out reply, send: PageKey);
        Assert.Equal(InvocationResult.RequestError, reply.Result);
        Call(Invoker, Pages, RangeOrder.MakePageKey, out _, w0: 1);
        Call(Invoker, Pages, RangeOrder.Identify, out reply, receive: OtherReplyRegister, send: ReplyRegister);
        Assert.Equal(InvocationResult.Ok, reply.Result);
        Assert.Equal(1UL, reply.W2);
    }

    [Fact]
    public void SubRangesStayInsideTheRange()
    {
        using var rig = _processes.Boot();

        Call(Invoker, Pages, RangeOrder.MakeSubRange, out InvocationReply reply, w0: 2, w1: 6);
        Assert.Equal(InvocationResult.Ok, reply.Result);
        Key sub = Register(Invoker, ReplyRegister);
        Assert.Equal(KeyType.Range, sub.Type);
        Assert.Equal(_processes.FreePage(2), sub.Oid);
        Assert.Equal(6u, sub.AllocCount);

        // The sub-range's offsets count from its own first OID and end at its own count.
        Call(Invoker, ReplyRegister, RangeOrder.Describe, out reply, receive: OtherReplyRegister);
        Assert.Equal(_processes.FreePage(2).Value, reply.W0);
        Assert.Equal(6UL, reply.W1);
        Call(Invoker, ReplyRegister, RangeOrder.MakePageKey, out reply, w0: 6, receive: OtherReplyRegister);
        Assert.Equal(InvocationResult.RequestError, reply.Result);
        Call(Invoker, ReplyRegister, RangeOrder.MakePageKey, out reply, w0: 5, receive: OtherReplyRegister);
        Assert.Equal(_processes.FreePage(7), Register(Invoker, OtherReplyRegister).Oid);

        foreach ((ulong offset, ulong count) in new[] { (2UL, 7UL), (8UL, 1UL), (0UL, 0UL), (0UL, 1UL << 32) })
        {
            Call(Invoker, Pages, RangeOrder.MakeSubRange, out reply, w0: offset, w1: count);
            Assert.Equal(InvocationResult.RequestError, reply.Result);
        }
    }

    [Fact]
    public void ThePrimeRangeNamesObjectsByOidAndMakesRangesAnywhere()
    {
        using var rig = _processes.Boot();

        Call(Invoker, Prime, RangeOrder.MakePageKey, out InvocationReply reply, w0: _processes.FreePage(5).Value);
        Assert.Equal(InvocationResult.Ok, reply.Result);
        Assert.Equal(_processes.FreePage(5), Register(Invoker, ReplyRegister).Oid);

        Call(Invoker, Prime, PrimeRangeOrder.MakeRangeKey, out reply, w0: _processes.FreeNode(3).Value, w1: 2);
        Assert.Equal(InvocationResult.Ok, reply.Result);
        Call(Invoker, ReplyRegister, RangeOrder.MakeNodeKey, out reply, w0: 1, receive: OtherReplyRegister);
        Assert.Equal(_processes.FreeNode(4), Register(Invoker, OtherReplyRegister).Oid);

        Call(Invoker, Prime, RangeOrder.Query, out reply, w0: 0); // OID 0 is no object
        Assert.Equal(InvocationResult.RequestError, reply.Result);
        Call(Invoker, Prime, RangeOrder.Query, out reply, w0: 0x7777_0000_0000); // in no object range
        Assert.Equal(InvocationResult.RequestError, reply.Result);
        Call(Invoker, Prime, PrimeRangeOrder.MakeRangeKey, out reply, w0: ulong.MaxValue - 1, w1: 2);
        Assert.Equal(InvocationResult.RequestError, reply.Result);
        Call(Invoker, Prime, 99, out reply);
        Assert.Equal(InvocationResult.UnknownOrder, reply.Result);
        Call(Invoker, Prime, KeyOrder.AllegedKeyType, out reply);
        Assert.Equal((ulong)KeyType.PrimeRange, reply.W0);
    }

    [Fact]
    public void RescindingAPageVoidsEveryOldKeyAndZeroesIt()
    {
        using var rig = _processes.Boot();
        Assert.True(CheckpointerTestRig.WritePage(_processes.FreePage(1), 7));
        PutInHolder(Key.Object(KeyType.Page, _processes.FreePage(1), 0, KeyRights.None, 0));
        Assert.True(Designates(Invoker, PageKey)); // prepared: on the page's ring when it is rescinded

        Assert.Equal(DispatchOutcome.Reply, Call(Invoker, Pages, RangeOrder.Rescind, out InvocationReply reply, w0: 1));

        Assert.Equal(InvocationResult.Ok, reply.Result);
        Assert.Equal(1UL, reply.W0);
        Assert.False(Designates(Invoker, PageKey));
        Assert.False(HolderSlotDesignates());
        Call(Invoker, PageKey, KeyOrder.AllegedKeyType, out reply);
        Assert.Equal(InvocationResult.Void, reply.Result);
        Assert.Equal((byte)0, CheckpointerTestRig.PageByte(_processes.FreePage(1), 100));
        Call(Invoker, Pages, RangeOrder.MakePageKey, out reply, w0: 1);
        Assert.Equal(1UL, reply.W0);
        Assert.True(Designates(Invoker, ReplyRegister)); // a new key sees the new incarnation
        Assert.Equal(0u, Cache.CheckRings());
    }

    [Fact]
    public void RescindingANodeVoidsItsKeysAndItsSlotsAndItsResumeKeys()
    {
        using var rig = _processes.Boot();
        ObjectHeader* node = CheckpointerTestRig.Node(_processes.FreeNode(1));
        Assert.True(CheckpointerTestRig.SetNumber(_processes.FreeNode(1), 4, 42));
        uint callCount = Cache.NodeBody(node)->CallCount;
        Assert.True(Designates(Invoker, NodeKey));

        Call(Invoker, Nodes, RangeOrder.Rescind, out InvocationReply reply, w0: 1);

        Assert.Equal(InvocationResult.Ok, reply.Result);
        Assert.False(Designates(Invoker, NodeKey));
        Assert.Equal(KeyType.Void, Node.Slot(Cache.NodeBody(node), 4)->Type);
        Assert.Equal(callCount + 1, Cache.NodeBody(node)->CallCount);
    }

    [Fact]
    public void RescindingAMappedPageRemovesItsMapping()
    {
        using var rig = _processes.Boot();
        ProcessEntry* process = Invoker;
        Assert.True(UserFaults.EnsureRoot(process));
        Assert.Equal(PageFaultResult.Mapped, AddressSpaces.HandlePageFault(process->RootFrame, ProcessRoot.AddressSpace, process->AddressSpace, 0x10, false));
        Assert.True(Host.SimulatedMmu.Walk(process->AddressSpace, 0x10, out _, out _));

        Call(Invoker, Pages, RangeOrder.Rescind, out InvocationReply reply, w0: 2);

        Assert.Equal(InvocationResult.Ok, reply.Result);
        Assert.False(Host.SimulatedMmu.Walk(process->AddressSpace, 0x10, out _, out _));
        Assert.Equal(PageFaultResult.InvalidAddress, AddressSpaces.HandlePageFault(process->RootFrame, ProcessRoot.AddressSpace, process->AddressSpace, 0x10, false));
    }

    [Fact]
    public void RescindingTheRootOfALoadedProcessUnloadsIt()
    {
        using var rig = _processes.Boot();
        Assert.True(ProcessTable.Find(_processes.Root(1)) != null);

        Call(Invoker, Prime, RangeOrder.Rescind, out InvocationReply reply, w0: _processes.Root(1).Value);

        Assert.Equal(InvocationResult.Ok, reply.Result);
        Assert.True(ProcessTable.Find(_processes.Root(1)) == null);
        Assert.Equal(0, CheckpointerTestRig.Node(_processes.Root(1))->PinCount);
        Assert.True(ProcessTable.SelectNext() == Invoker); // the other one never runs again
        Assert.True(ProcessTable.SelectNext() == Invoker);
    }

    [Fact]
    public void RescindingItsOwnKeyRegistersEndsTheInvoker()
    {
        using var rig = _processes.Boot();

        Assert.Equal(DispatchOutcome.InvokerEnded,
            Call(Invoker, Prime, RangeOrder.Rescind, out _, w0: _processes.KeyRegistersOf(0).Value));

        Assert.True(ProcessTable.Find(_processes.Root(0)) == null);
    }

    [Fact]
    public void ARescindSurvivesCheckpointAndRecovery()
    {
        byte[] image;
        using (var rig = _processes.Boot())
        {
            Assert.True(CheckpointerTestRig.WritePage(_processes.FreePage(1), 7));
            PutInHolder(Key.Object(KeyType.Page, _processes.FreePage(1), 0, KeyRights.None, 0));
            CheckpointerTestRig.Checkpoint();
            Call(Invoker, Pages, RangeOrder.Rescind, out _, w0: 1);
            CheckpointerTestRig.Checkpoint();
            image = (byte[])rig.Disk.Image.Clone();
        }

        using var after = _processes.Boot(image);
        Assert.False(Designates(Invoker, PageKey));
        Assert.False(HolderSlotDesignates());
        Assert.Equal((byte)0, CheckpointerTestRig.PageByte(_processes.FreePage(1)));
        Call(Invoker, Pages, RangeOrder.Query, out InvocationReply reply, w0: 1);
        Assert.Equal(1UL, reply.W1);
    }

    [Fact]
    public void UnknownOrderIsRefused()
    {
        using var rig = _processes.Boot();
        Call(Invoker, Pages, 99, out InvocationReply reply);
        Assert.Equal(InvocationResult.UnknownOrder, reply.Result);
    }

    /// <summary>Writes <paramref name="key"/> into slot 3 of FreeNode(0), as a node key order would.</summary>
    private void PutInHolder(Key key)
    {
        ObjectHeader* holder = CheckpointerTestRig.Node(_processes.FreeNode(0));
        Assert.True(Cache.MarkDirty(holder));
        KeySlots.Write(holder, 3, key);
        Assert.True(HolderSlotDesignates()); // prepared, so on the ring
    }

    private bool HolderSlotDesignates()
    {
        Key* slot = Node.Slot(Cache.NodeBody(CheckpointerTestRig.Node(_processes.FreeNode(0))), 3);
        Assert.Equal(CacheResult.Ok, Cache.PrepareKey(slot, out ObjectHeader* target));
        return target != null;
    }
}
