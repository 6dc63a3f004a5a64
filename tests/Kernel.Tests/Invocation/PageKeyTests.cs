using System.Collections.Generic;
using System.Text;
using CapOS.Kernel.Checkpoint;
using CapOS.Kernel.Invocation;
using CapOS.Kernel.NodeTree;
using CapOS.Kernel.ObjectCache;
using CapOS.Kernel.Process;
using CapOS.Kernel.Tests.Checkpoint;
using Xunit;
using static CapOS.Kernel.Tests.Invocation.ObjectKeys;

namespace CapOS.Kernel.Tests.Invocation;

/// <summary>The page key's orders (PageKey I1-I3; docs/invocation.md "Page key") from a stored process.</summary>
public sealed unsafe class PageKeyTests : System.IDisposable
{
    private const byte Full = 5;
    private const byte ReadOnly = 6;
    private const byte Source = 7;
    private const byte SourceReadOnly = 8;
    private const byte Number = 9;
    private const byte NodeRegister = 10;
    private const byte MappedPage = 11;
    private const ulong Window = 0x10000;
    private readonly IpcRig _ipc = new();
    private readonly int _mapped;
    private readonly int _holder;
    private readonly Oid _page;
    private readonly Oid _source;

    /// <summary>Page P (full and read-only keys), page Q (the clone source), and the page that is another process's address space.</summary>
    public PageKeyTests()
    {
        _page = _ipc.Processes.FreePage(10);
        _source = _ipc.Processes.FreePage(11);
        Oid node = _ipc.Processes.FreeNode(0);
        _ipc.Processes.Node(node, new VolumeBuilder.NodeModel());
        _mapped = _ipc.Add(RunState.Running);
        _holder = _ipc.Add(RunState.Running, new Dictionary<int, Key>
        {
            [Full] = PageKey(_page),
            [ReadOnly] = PageKey(_page, KeyRights.ReadOnly),
            [Source] = PageKey(_source),
            [SourceReadOnly] = PageKey(_source, KeyRights.ReadOnly),
            [Number] = Key.Number(1, 2, 3),
            [NodeRegister] = NodeKey(node),
            [MappedPage] = PageKey(_ipc.Processes.FreePage((ulong)_mapped)),
        });
        _ipc.Boot();
        SimulatedUserWindow.Address = Window;
        SimulatedUserWindow.Bytes = new byte[8192];
    }

    public void Dispose()
    {
        SimulatedUserWindow.Bytes = null;
        _ipc.Dispose();
    }

    private InvocationReply Call(byte register, uint order, ulong w0 = 0, ulong w1 = 0, byte send0 = 0, byte receive = Reply) =>
        ObjectKeys.Call(_ipc, _holder, register, order, w0, w1, 0, send0, 0, receive);

    private static ObjectHeader* Frame(Oid page) => CheckpointerTestRig.Page(page);

    private static byte Byte(Oid page, int offset = 0) => CheckpointerTestRig.PageByte(page, offset);

    /// <summary>WriteBytes of <paramref name="text"/> (put in the window at offset 0) at page offset <paramref name="offset"/>.</summary>
    private DispatchOutcome WriteBytes(byte register, ulong offset, string text, out InvocationReply reply, ulong address = Window)
    {
        Encoding.ASCII.GetBytes(text).CopyTo(SimulatedUserWindow.Bytes!, 0);
        InvocationArguments call = IpcRig.Message(register, InvocationType.Call, PageOrder.WriteBytes, offset);
        call.StringAddress = address;
        call.StringLength = (ulong)text.Length;
        return _ipc.Invoke(_holder, call, out reply);
    }

    private InvocationReply ReadBytes(ulong offset, ulong length, ulong capacity, ulong address = Window + 0x1000)
    {
        InvocationArguments call = IpcRig.Message(ReadOnly, InvocationType.Call, PageOrder.ReadBytes, offset);
        call.W1 = length;
        call.ReceiveAddress = address;
        call.ReceiveCapacity = capacity;
        Assert.Equal(DispatchOutcome.Reply, _ipc.Invoke(_holder, call, out InvocationReply reply));
        return reply;
    }

    [Fact]
    public void MakeReadOnlyRepliesAReadOnlyKeyThatRefusesChanges()
    {
        Assert.Equal(InvocationResult.Ok, Call(Full, PageOrder.MakeReadOnly).Result);
        Assert.True(Same(PageKey(_page, KeyRights.ReadOnly), Register(_ipc, _holder, Reply)));
        Assert.Equal(InvocationResult.NoAccess, Call(Reply, PageOrder.Zero).Result);
    }

    [Fact]
    public void AReadOnlyPageKeyRefusesEveryChange()
    {
        Assert.True(CheckpointerTestRig.WritePage(_source, 0x33));
        Assert.Equal(InvocationResult.NoAccess, Call(ReadOnly, PageOrder.Zero).Result);
        Assert.Equal(InvocationResult.NoAccess, Call(ReadOnly, PageOrder.Clone, send0: Source).Result);
        Assert.Equal(DispatchOutcome.Reply, WriteBytes(ReadOnly, 0, "x", out InvocationReply reply));
        Assert.Equal(InvocationResult.NoAccess, reply.Result);
        Assert.Equal(0, Byte(_page));
        Assert.False(Frame(_page)->IsDirty);
    }

    [Fact]
    public void ZeroClearsEveryByte()
    {
        Assert.True(CheckpointerTestRig.WritePage(_page, 0x5A));
        Assert.Equal(InvocationResult.Ok, Call(Full, PageOrder.Zero).Result);
        Assert.Equal(0, Byte(_page));
        Assert.Equal(0, Byte(_page, 4095));
    }

    [Theory]
    [InlineData(Source)]
    [InlineData(SourceReadOnly)]
    public void CloneCopiesTheSentPage(byte source)
    {
        Assert.True(CheckpointerTestRig.WritePage(_source, 0x33));
        Assert.Equal(InvocationResult.Ok, Call(Full, PageOrder.Clone, send0: source).Result);
        Assert.Equal(0x33, Byte(_page));
        Assert.Equal(0x33, Byte(_page, 4095));
        Assert.Equal(0x33, Byte(_source, 4095));
        Assert.Equal(InvocationResult.Ok, Call(Full, PageOrder.Clone, send0: Full).Result); // itself: nothing changes
        Assert.Equal(0x33, Byte(_page, 17));
    }

    [Theory]
    [InlineData(Number)]
    [InlineData(NodeRegister)]
    [InlineData(0)] // no key sent
    public void CloneNeedsAPageKey(byte sent)
    {
        Assert.Equal(InvocationResult.RequestError, Call(Full, PageOrder.Clone, send0: sent).Result);
        Assert.False(Frame(_page)->IsDirty);
    }

    [Fact]
    public void WrittenBytesReadBack()
    {
        Assert.Equal(DispatchOutcome.Reply, WriteBytes(Full, 4091, "hello", out InvocationReply written));
        Assert.Equal(InvocationResult.Ok, written.Result);
        Assert.Equal((byte)'o', Byte(_page, 4095));

        InvocationReply read = ReadBytes(4091, 5, 16);
        Assert.Equal(InvocationResult.Ok, read.Result);
        Assert.Equal(5UL, read.StringLength);
        Assert.Equal("hello", Encoding.ASCII.GetString(SimulatedUserWindow.Bytes!, 0x1000, 5));
        Assert.Equal(3UL, ReadBytes(4091, 5, 3).StringLength); // as much as the buffer holds
        Assert.Equal(0UL, ReadBytes(4096, 0, 16).StringLength);
    }

    [Theory]
    [InlineData(4092UL, 5UL)]
    [InlineData(4097UL, 0UL)]
    [InlineData(0UL, 4097UL)]
    [InlineData(ulong.MaxValue, 2UL)]
    public void BytesBeyondThePageAreRefused(ulong offset, ulong length)
    {
        Assert.Equal(InvocationResult.RequestError, ReadBytes(offset, length, 8192).Result);
        if (length <= 4096)
        {
            Assert.Equal(DispatchOutcome.Reply, WriteBytes(Full, offset, new string('x', (int)length), out InvocationReply reply));
            Assert.Equal(InvocationResult.RequestError, reply.Result);
        }

        Assert.False(Frame(_page)->IsDirty);
    }

    [Fact]
    public void AnUnreadableStringIsBadStringAndChangesNothing()
    {
        Assert.Equal(DispatchOutcome.Reply, WriteBytes(Full, 0, "abc", out InvocationReply reply, address: 0x100));
        Assert.Equal(InvocationResult.BadString, reply.Result);
        Assert.False(Frame(_page)->IsDirty);
        Assert.Equal(InvocationResult.BadString, ReadBytes(0, 16, 16, address: 0x100).Result);
    }

    [Fact]
    public void ARescindedPageKeyIsVoid()
    {
        Assert.Equal(InvocationResult.Ok, Call(Full, PageOrder.MakeReadOnly).Result);
        Rescind(Frame(_page));
        Assert.Equal(InvocationResult.Void, Call(Full, PageOrder.Zero).Result);
        Assert.Equal(InvocationResult.Void, Call(ReadOnly, KeyOrder.AllegedKeyType).Result);
        Assert.Equal(InvocationResult.Void, Call(Reply, PageOrder.MakeReadOnly).Result); // the key made before, too
        Assert.Equal(InvocationResult.RequestError, Call(Source, PageOrder.Clone, send0: Full).Result); // sent: void
    }

    [Fact]
    public void ARefusedDirtyingStallsWithNoEffect()
    {
        FillLog();
        Assert.Equal(DispatchOutcome.Stalled, Dispatch(_ipc, _holder, Full, PageOrder.Zero, out _, receive: 0));
        Assert.Equal(StallReason.LogSpace, _ipc.Entry(_holder)->Stalled);
        Assert.False(Frame(_page)->IsDirty);
    }

    [Fact]
    public void APageWhoseImageIsBeingWrittenStallsTheWriterWithNoEffect()
    {
        Assert.True(CheckpointerTestRig.WritePage(_page, 0x22));
        Assert.NotEqual(0UL, Checkpointer.TakeCheckpoint());
        CheckpointerTestRig.BuildSnapshot();
        CheckpointWriter.Pump(); // submits every image: the frozen page can no longer be copied aside
        Assert.Equal(DispatchOutcome.Stalled, Dispatch(_ipc, _holder, Full, PageOrder.Zero, out _, receive: 0));
        Assert.Equal(StallReason.ImageWrite, _ipc.Entry(_holder)->Stalled);
        Assert.Equal(0x22, Byte(_page, 100));
    }

    [Fact]
    public void AWriteDuringACheckpointGoesThroughCopyOnWrite()
    {
        Assert.True(CheckpointerTestRig.WritePage(_page, 0x11));
        ulong sequence = Checkpointer.TakeCheckpoint();
        Assert.NotEqual(0UL, sequence);
        uint copies = Snapshot.CopiesMade;
        Assert.Equal(DispatchOutcome.Reply, WriteBytes(Full, 0, "xyz", out InvocationReply reply));
        Assert.Equal(InvocationResult.Ok, reply.Result);
        Assert.Equal(copies + 1, Snapshot.CopiesMade);
        Assert.Equal((byte)'x', Byte(_page));
        CheckpointerTestRig.PumpUntilCommitted();
        byte[] image = _ipc.Rig.Disk.SurvivingImage();
        _ipc.Dispose();

        using (new CheckpointerTestRig(image))
        {
            Assert.Equal(sequence, Generation.Sequence);
            Assert.Equal(0x11, Byte(_page)); // the snapshot's bytes, not the later write
        }
    }

    [Fact]
    public void AKernelWriteMakesNoWritableMapping()
    {
        ObjectHeader* root = CheckpointerTestRig.Node(_ipc.Processes.Root(_mapped));
        ObjectHeader* page = Frame(_ipc.Processes.FreePage((ulong)_mapped));
        ulong space = AddressSpaces.CreateRoot();
        var mmu = _ipc.Rig.Machine.Mmu;
        Assert.Equal(PageFaultResult.Mapped, AddressSpaces.HandlePageFault(root, ProcessRoot.AddressSpace, space, 0, true));
        Assert.Equal(page->Body, mmu.Access(space, 0, true));
        Assert.NotEqual(0UL, Checkpointer.TakeCheckpoint()); // write-protects every writable mapping (P5)
        Assert.Null(mmu.Access(space, 0, true));

        Assert.Equal(DispatchOutcome.Reply, WriteBytes(MappedPage, 8, "abc", out InvocationReply reply));
        Assert.Equal(InvocationResult.Ok, reply.Result);

        Assert.True(AddressSpaces.CheckWritableMappings(out _)); // C7
        Assert.Equal(page->Body, mmu.Access(space, 0, false)); // the reader sees the same frame, with the new bytes
        Assert.Equal((byte)'a', Cache.PageData(page)[8]);
        Assert.Null(mmu.Access(space, 0, true)); // writable again only through a write fault
        AddressSpaces.DestroyRoot(space);
    }
}
