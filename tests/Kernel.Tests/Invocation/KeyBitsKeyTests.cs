using System.Collections.Generic;
using CapOS.Kernel.Invocation;
using CapOS.Kernel.NodeTree;
using CapOS.Kernel.ObjectCache;
using CapOS.Kernel.Process;
using CapOS.Kernel.Tests.Checkpoint;
using Xunit;
using static CapOS.Kernel.Tests.Invocation.ObjectKeys;

namespace CapOS.Kernel.Tests.Invocation;

/// <summary>The keybits key shows a key's disk form, never a prepared key's ring link (KeyBitsKey; docs/invocation.md "KeyBits key").</summary>
public sealed unsafe class KeyBitsKeyTests : System.IDisposable
{
    private const byte Bits = 5;
    private const byte Segment = 6;
    private const byte Number = 7;
    private const byte Resume = 8;
    private const byte Page = 9;
    private readonly IpcRig _ipc = new();
    private readonly int _holder;
    private readonly int _target;
    private readonly Oid _node;

    public KeyBitsKeyTests()
    {
        _node = _ipc.Processes.FreeNode(0);
        _ipc.Processes.Node(_node, new VolumeBuilder.NodeModel());
        _target = _ipc.Add(RunState.Running);
        _holder = _ipc.Add(RunState.Running, new Dictionary<int, Key>
        {
            [Bits] = Key.Kernel(KeyType.KeyBits, 0),
            [Segment] = SegmentKey(_node, 3, KeyRights.ReadOnly | KeyRights.NoCall),
            [Number] = Key.Number(0x11, 0x22, 0x33),
            [Resume] = Key.Object(KeyType.Resume, _ipc.Processes.Root(_target), 0, KeyRights.None, 0),
            [Page] = PageKey(_ipc.Processes.FreePage(10), KeyRights.ReadOnly),
        });
        _ipc.Boot();
    }

    public void Dispose() => _ipc.Dispose();

    private InvocationReply Translate(byte register)
    {
        InvocationReply reply = ObjectKeys.Call(_ipc, _holder, Bits, KeyBitsOrder.Translate, send0: register, receive: 0);
        Assert.Equal(InvocationResult.Ok, reply.Result);
        return reply;
    }

    [Fact]
    public void AnObjectKeyShowsTypeRightsKeyDataOidAndAllocCount()
    {
        InvocationReply reply = Translate(Segment);
        Assert.Equal((ulong)KeyType.Segment | ((ulong)(KeyRights.ReadOnly | KeyRights.NoCall) << 8) | (3UL << 16), reply.W0);
        Assert.Equal(_node.Value, reply.W1);
        Assert.Equal(0UL, reply.W2);
    }

    [Fact]
    public void APreparedKeyShowsItsDiskFormNotItsRingLink()
    {
        Key* key = _ipc.Entry(_holder)->KeyRegister(Segment);
        Assert.True(global::CapOS.Kernel.Invocation.Invocation.Prepared(key) != null);
        Assert.True(key->IsPrepared);
        InvocationReply reply = Translate(Segment);
        Assert.Equal(_node.Value, reply.W1);
        Assert.Equal((ulong)KeyType.Segment, reply.W0 & 0xFF); // no Prepared flag among the rights
        Assert.Equal((ulong)(KeyRights.ReadOnly | KeyRights.NoCall), (reply.W0 >> 8) & 0xFF);
    }

    [Fact]
    public void ANumberKeyShowsItsNinetySixBits()
    {
        InvocationReply reply = Translate(Number);
        Assert.Equal((ulong)KeyType.Number, reply.W0);
        Assert.Equal(0x11UL | (0x22UL << 32), reply.W1);
        Assert.Equal(0x33UL, reply.W2);
    }

    [Fact]
    public void AResumeKeyShowsTheCallCount()
    {
        ObjectHeader* root = CheckpointerTestRig.Node(_ipc.Processes.Root(_target));
        Assert.True(Cache.MarkDirty(root));
        Assert.True(Cache.BumpCallCount(root));
        Assert.Equal(0UL, Translate(Resume).W0); // made for CallCount 0: consumed, void
        *_ipc.Entry(_holder)->KeyRegister(Resume) = Key.Object(KeyType.Resume, _ipc.Processes.Root(_target), 1, KeyRights.None, 0);
        InvocationReply reply = Translate(Resume);
        Assert.Equal((ulong)KeyType.Resume, reply.W0);
        Assert.Equal(1UL, reply.W2);
    }

    [Fact]
    public void ARescindedKeyShowsVoidAndNothingSentIsVoid()
    {
        Assert.Equal((ulong)KeyType.Page | ((ulong)KeyRights.ReadOnly << 8), Translate(Page).W0);
        Rescind(CheckpointerTestRig.Page(_ipc.Processes.FreePage(10)));
        InvocationReply reply = Translate(Page);
        Assert.Equal(0UL, reply.W0 | reply.W1 | reply.W2);
        reply = Translate(0);
        Assert.Equal(0UL, reply.W0 | reply.W1 | reply.W2);
    }

    [Fact]
    public void AnUnknownOrderIsRefused() =>
        Assert.Equal(InvocationResult.UnknownOrder, ObjectKeys.Call(_ipc, _holder, Bits, 99).Result);
}
