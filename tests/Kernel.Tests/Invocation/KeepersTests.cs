using CapOS.Kernel.Invocation;
using CapOS.Kernel.NodeTree;
using CapOS.Kernel.ObjectCache;
using CapOS.Kernel.Process;
using CapOS.Kernel.Tests.Checkpoint;
using Xunit;

namespace CapOS.Kernel.Tests.Invocation;

/// <summary>Process keepers (Keepers I1, I2; docs/invocation.md "Keepers").</summary>
public sealed unsafe class KeepersTests : System.IDisposable
{
    private const ulong Unmapped = 0x7000_0000;
    private readonly IpcRig _ipc = new();
    private readonly int _keeper;
    private readonly int _process;

    public KeepersTests()
    {
        _keeper = _ipc.Add(RunState.Available);
        _process = _ipc.Add(RunState.Running, keeper: _keeper);
        _ipc.Boot();
        var r = _ipc.Registers(_keeper);
        r->R14 = 6 | (7UL << 24); // process key into 6, resume key into 7
    }

    public void Dispose() => _ipc.Dispose();

    private PageFaultResult Fault() => UserFaults.OnPageFault(_ipc.Entry(_process), Unmapped, isWrite: false);

    [Fact]
    public void AFaultGoesToTheKeeperAsACallWithAProcessKeyAndAResumeKey()
    {
        Assert.Equal(PageFaultResult.InvalidAddress, Fault());

        ProcessEntry* process = _ipc.Entry(_process);
        ProcessEntry* keeper = _ipc.Entry(_keeper);
        Assert.Equal(RunState.Waiting, process->State); // I1
        Assert.Equal(FaultCode.InvalidAddress, process->FaultCode);
        Assert.Equal(RunState.Running, keeper->State);
        var r = _ipc.Registers(_keeper);
        Assert.Equal((ulong)FaultCode.InvalidAddress, r->Rax);
        Assert.Equal(Unmapped, r->Rsi);
        Assert.Equal(Process.StoredProcesses.StartPc, r->Rdx);
        Assert.Equal(KeyType.Process, keeper->KeyRegister(6)->Type);
        Assert.Equal(KeyType.Resume, keeper->KeyRegister(7)->Type);
        Assert.DoesNotContain("parked", _ipc.Console);
    }

    [Fact]
    public void TheKeepersOkReplyClearsTheFaultAndLeavesTheRegistersAlone()
    {
        Fault();
        var registers = _ipc.Registers(_process);
        ulong rip = registers->Rip;
        ulong rax = registers->Rax;

        Assert.Equal(DispatchOutcome.Switched, _ipc.Invoke(_keeper, IpcRig.Message(7, InvocationType.Return, 0, w0: 1234), out _));

        ProcessEntry* process = _ipc.Entry(_process);
        Assert.True(process->Runnable);
        Assert.Equal(FaultCode.None, process->FaultCode);
        Assert.Equal(rip, registers->Rip); // executes the faulting instruction again
        Assert.Equal(rax, registers->Rax);
        Assert.NotEqual(1234UL, registers->Rsi);
        Assert.Equal(RunState.Available, _ipc.Entry(_keeper)->State);
    }

    [Fact]
    public void AnyOtherReplyLeavesItParkedWithItsFault()
    {
        Fault();
        _ipc.Invoke(_keeper, IpcRig.Message(7, InvocationType.Return, 1), out _);
        ProcessEntry* process = _ipc.Entry(_process);
        Assert.False(process->Runnable);
        Assert.Equal(FaultCode.InvalidAddress, process->FaultCode);
        Assert.Equal(RunState.Running, process->State);
    }

    [Fact]
    public void ABusyKeeperQueuesTheFaultingProcessWithNothingChanged()
    {
        _ipc.Entry(_keeper)->State = RunState.Running;
        Fault();
        ProcessEntry* process = _ipc.Entry(_process);
        Assert.Equal(StallReason.Receiver, process->Stalled); // I2
        Assert.Equal(FaultCode.None, process->FaultCode);
        Assert.Equal(RunState.Running, process->State);
    }

    [Fact]
    public void WithoutAKeeperTheProcessIsParkedWithItsLine()
    {
        using var ipc = new IpcRig();
        int lone = ipc.Add(RunState.Running);
        ipc.Boot();
        UserFaults.OnPageFault(ipc.Entry(lone), Unmapped, isWrite: true);
        Assert.Contains("invalid address 0x70000000 (write)", ipc.Console);
        Assert.Equal(FaultCode.InvalidAddress, ipc.Entry(lone)->FaultCode);
    }
}

/// <summary>Segment keepers: faults under a red segment go to the keeper in its slot 31 (docs/invocation.md "Segment keepers").</summary>
public sealed unsafe class SegmentKeepersTests : System.IDisposable
{
    private readonly IpcRig _ipc = new();
    private readonly int _keeper;
    private readonly int _process;
    private readonly Oid _red;

    public SegmentKeepersTests() : this(KeyRights.None)
    {
    }

    private SegmentKeepersTests(KeyRights rights)
    {
        _keeper = _ipc.Add(RunState.Available);
        _red = _ipc.Processes.FreeNode(0);
        _ipc.Processes.Node(_red, new CapOS.Kernel.Tests.Checkpoint.VolumeBuilder.NodeModel()
            .With(0, Key.Object(KeyType.Page, _ipc.Processes.FreePage(50), 0, KeyRights.None, 0))
            .With(SegmentWalk.KeeperSlot, _ipc.StartKey(_keeper, 5)));
        _process = _ipc.Add(RunState.Running, space: Key.Object(KeyType.Segment, _red, 0, rights, 1 | SegmentWalk.KeeperFlag));
        _ipc.Boot();
        CheckpointerTestRig.Node(_red); // in memory: a fault here is about the keeper, not about a read in flight
        CheckpointerTestRig.Page(_ipc.Processes.FreePage(50));
        _ipc.Registers(_keeper)->R14 = 6 | (7UL << 24);
    }

    public void Dispose() => _ipc.Dispose();

    [Fact]
    public void AnInvalidAddressUnderARedSegmentGoesToItsKeeperWithTheOffsetAndASegmentKey()
    {
        Assert.Equal(PageFaultResult.InvalidAddress, UserFaults.OnPageFault(_ipc.Entry(_process), 0x5010, isWrite: true));

        var r = _ipc.Registers(_keeper);
        Assert.Equal((ulong)FaultCode.InvalidAddress, r->Rax);
        Assert.Equal(0x5010UL, r->Rsi);
        Assert.Equal(0x5010UL, r->Rdx); // the offset in the red segment
        Assert.Equal(5UL, r->Rdi);
        Key* segment = _ipc.Entry(_keeper)->KeyRegister(6);
        Assert.Equal(KeyType.Segment, segment->Type);
        Assert.Equal(RunState.Waiting, _ipc.Entry(_process)->State);
        Assert.DoesNotContain("parked", _ipc.Console);
    }

    [Fact]
    public void TheKeepersSlotItselfMapsNothing()
    {
        Assert.Equal(PageFaultResult.InvalidAddress, UserFaults.OnPageFault(_ipc.Entry(_process), 31UL * 4096, isWrite: false));
        Assert.Equal(31UL * 4096, _ipc.Registers(_keeper)->Rsi);
    }

    [Fact]
    public void AMappedPageNeedsNoKeeper()
    {
        Assert.Equal(PageFaultResult.Mapped, UserFaults.OnPageFault(_ipc.Entry(_process), 0x10, isWrite: false));
        Assert.Equal(RunState.Available, _ipc.Entry(_keeper)->State);
    }

    [Fact]
    public void ANoCallKeyHidesTheKeeperAndTheFaultParksTheProcess()
    {
        using var test = new SegmentKeepersTests(KeyRights.NoCall);
        UserFaults.OnPageFault(test._ipc.Entry(test._process), 0x5000, isWrite: false);
        Assert.Equal(RunState.Available, test._ipc.Entry(test._keeper)->State);
        Assert.Contains("invalid address 0x5000", test._ipc.Console);
    }
}
