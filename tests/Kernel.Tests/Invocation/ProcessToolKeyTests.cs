using System.Collections.Generic;
using CapOS.Kernel.Invocation;
using CapOS.Kernel.NodeTree;
using CapOS.Kernel.Process;
using CapOS.Kernel.Tests.Checkpoint;
using CapOS.Kernel.Tests.Process;
using Xunit;
using static CapOS.Kernel.Tests.Invocation.KeyInvoker;

namespace CapOS.Kernel.Tests.Invocation;

/// <summary>
/// The process tool (ProcessToolKey; docs/invocation.md "Process tool"): a start key and the right brand give a process
/// key; a wrong brand, a void brand, a missing or wrong sent key give none.
/// </summary>
public sealed unsafe class ProcessToolKeyTests
{
    private const byte Tool = 1;
    private const byte Start = 2;       // start key to process 1 (branded), key info 5
    private const byte Brand = 3;       // the brand: a node key
    private const byte WrongBrand = 4;  // the same node, read-only: not the same key
    private const byte Unbranded = 5;   // start key to process 2 (no brand)
    private const byte NotAStartKey = 6;
    private const byte BlankNode = 7;   // a blank node: a process key to it names a malformed root
    private const byte RootNode = 8;    // process 1's root through a node key
    private const byte Weak = 9;        // the blank node, weak
    private const byte NoCall = 10;     // the blank node, no-call
    private const byte Opaque = 11;     // the blank node, opaque
    private const byte Page = 12;       // a page key
    private const byte Stale = 13;      // the blank node's key with an old AllocCount: rescinded
    private const ushort KeyInfo = 5;

    private readonly StoredProcesses _processes = new();

    public ProcessToolKeyTests()
    {
        Key brand = Key.Object(KeyType.Node, _processes.FreeNode(0), 0, KeyRights.None, 0);
        _processes.Add(RunState.Running, new Dictionary<int, Key>
        {
            [Tool] = Key.Kernel(KeyType.ProcessTool, 0),
            [Start] = Key.Object(KeyType.Start, _processes.RootOf(1), 0, KeyRights.None, KeyInfo),
            [Brand] = brand,
            [WrongBrand] = Key.Object(KeyType.Node, _processes.FreeNode(0), 0, KeyRights.ReadOnly, 0),
            [Unbranded] = Key.Object(KeyType.Start, _processes.RootOf(2), 0, KeyRights.None, 0),
            [NotAStartKey] = Key.Number(1, 2, 3),
            [BlankNode] = Key.Object(KeyType.Node, _processes.FreeNode(1), 1, KeyRights.None, 0),
            [RootNode] = Key.Object(KeyType.Node, _processes.RootOf(1), 0, KeyRights.None, 0),
            [Weak] = Key.Object(KeyType.Node, _processes.FreeNode(1), 1, KeyRights.Weak, 0),
            [NoCall] = Key.Object(KeyType.Node, _processes.FreeNode(1), 1, KeyRights.NoCall, 0),
            [Opaque] = Key.Object(KeyType.Node, _processes.FreeNode(1), 1, KeyRights.Opaque, 0),
            [Page] = Key.Object(KeyType.Page, _processes.FreePage(0), 0, KeyRights.None, 0),
            [Stale] = Key.Object(KeyType.Node, _processes.FreeNode(1), 0, KeyRights.None, 0),
        });
        _processes.Node(_processes.FreeNode(1), new VolumeBuilder.NodeModel { AllocCount = 1 });
        _processes.Add(RunState.Available, change: root => root.With(ProcessRoot.Brand, brand));
        _processes.Add(RunState.Available);
    }

    private ProcessEntry* Invoker => _processes.Entry(0);

    [Fact]
    public void TheRightBrandGivesAProcessKey()
    {
        using var rig = _processes.Boot();

        Call(Invoker, Tool, ProcessToolOrder.MakeProcessKey, out InvocationReply reply, send: [Start, Brand]);

        Assert.Equal(InvocationResult.Ok, reply.Result);
        Key made = Register(Invoker, ReplyRegister);
        Assert.Equal(KeyType.Process, made.Type);
        Assert.Equal(_processes.RootOf(1), made.Oid);
        Assert.True(Designates(Invoker, ReplyRegister));
    }

    [Fact]
    public void AWrongBrandIsRefusedAndGivesNothing()
    {
        using var rig = _processes.Boot();

        Call(Invoker, Tool, ProcessToolOrder.MakeProcessKey, out InvocationReply reply, send: [Start, WrongBrand]);

        Assert.Equal(InvocationResult.NoAccess, reply.Result);
        Assert.Equal(KeyType.Void, Register(Invoker, ReplyRegister).Type);
    }

    [Theory]
    [InlineData(Start, 0)]            // no brand sent
    [InlineData(0, Brand)]            // no start key sent
    [InlineData(NotAStartKey, Brand)] // not a start key
    [InlineData(Brand, Brand)]        // an object key that is not a start key
    [InlineData(Unbranded, 0)]        // void against void: a void brand never matches
    public void MissingOrWrongSentKeysAreRequestErrors(byte start, byte brand)
    {
        using var rig = _processes.Boot();

        Call(Invoker, Tool, ProcessToolOrder.MakeProcessKey, out InvocationReply reply, send: [start, brand]);

        Assert.Equal(InvocationResult.RequestError, reply.Result);
        Assert.Equal(KeyType.Void, Register(Invoker, ReplyRegister).Type);
    }

    [Fact]
    public void AnUnbrandedProcessIsNobodysProduct()
    {
        using var rig = _processes.Boot();

        Call(Invoker, Tool, ProcessToolOrder.MakeProcessKey, out InvocationReply reply, send: [Unbranded, Brand]);

        Assert.Equal(InvocationResult.NoAccess, reply.Result);
    }

    [Fact]
    public void IdentifyTellsTheMatchAndTheKeyInfo()
    {
        using var rig = _processes.Boot();

        Call(Invoker, Tool, ProcessToolOrder.IdentifyStartKey, out InvocationReply reply, send: [Start, Brand]);
        Assert.Equal(InvocationResult.Ok, reply.Result);
        Assert.Equal(1UL, reply.W0);
        Assert.Equal(KeyInfo, reply.W1);

        Call(Invoker, Tool, ProcessToolOrder.IdentifyStartKey, out reply, send: [Start, WrongBrand]);
        Assert.Equal(InvocationResult.Ok, reply.Result);
        Assert.Equal(0UL, reply.W0);
        Assert.Equal(0UL, reply.W1);
        Assert.Equal(KeyType.Void, Register(Invoker, ReplyRegister).Type);
    }

    [Fact]
    public void UnknownOrderIsRefused()
    {
        using var rig = _processes.Boot();
        Call(Invoker, Tool, 99, out InvocationReply reply, send: [Start, Brand]);
        Assert.Equal(InvocationResult.UnknownOrder, reply.Result);
        Call(Invoker, Tool, KeyOrder.AllegedKeyType, out reply);
        Assert.Equal((ulong)KeyType.ProcessTool, reply.W0);
    }

    [Fact]
    public void AnUnrestrictedNodeKeyBecomesAProcessKeyToItsNode()
    {
        using var rig = _processes.Boot();

        Call(Invoker, Tool, ProcessToolOrder.MakeProcessKeyFromNode, out InvocationReply reply, send: [RootNode]);

        Assert.Equal(InvocationResult.Ok, reply.Result);
        Key made = Register(Invoker, ReplyRegister);
        Assert.Equal(KeyType.Process, made.Type);
        Assert.Equal(_processes.RootOf(1), made.Oid);
        Assert.Equal(KeyRights.None, made.Rights);
        Call(Invoker, ReplyRegister, ProcessOrder.GetState, out reply);
        Assert.Equal(InvocationResult.Ok, reply.Result);
        Assert.Equal((ulong)RunState.Available, reply.W0);
    }

    [Theory]
    [InlineData(WrongBrand)] // read-only
    [InlineData(Weak)]
    [InlineData(NoCall)]
    [InlineData(Opaque)]
    [InlineData(Page)]
    [InlineData(Start)]
    [InlineData(NotAStartKey)]
    [InlineData(Stale)]
    [InlineData(0)]
    public void OnlyAnUnrestrictedNodeKeyBecomesAProcessKey(byte sent)
    {
        using var rig = _processes.Boot();

        Call(Invoker, Tool, ProcessToolOrder.MakeProcessKeyFromNode, out InvocationReply reply, send: [sent]);

        Assert.Equal(InvocationResult.RequestError, reply.Result);
        Assert.Equal(KeyType.Void, Register(Invoker, ReplyRegister).Type);
    }

    [Fact]
    public void AProcessKeyToAHalfBuiltRootFailsCleanly()
    {
        using var rig = _processes.Boot();

        Call(Invoker, Tool, ProcessToolOrder.MakeProcessKeyFromNode, out InvocationReply reply, send: [BlankNode]);
        Assert.Equal(InvocationResult.Ok, reply.Result);

        foreach (uint order in new[] { ProcessOrder.GetState, ProcessOrder.MakeRunning, ProcessOrder.Halt, ProcessOrder.MakeAvailable })
        {
            Call(Invoker, ReplyRegister, order, out reply, receive: OtherReplyRegister);
            Assert.Equal(InvocationResult.RequestError, reply.Result);
        }

        Call(Invoker, ReplyRegister, ProcessOrder.MakeStartKey, out reply, receive: OtherReplyRegister);
        Assert.Equal(InvocationResult.Ok, reply.Result);
        Call(Invoker, OtherReplyRegister, 1, out reply); // a start key to it: a send finds no process to receive it
        Assert.NotEqual(InvocationResult.Ok, reply.Result);
        Assert.Equal(RunState.Running, Invoker->State);
    }
}
