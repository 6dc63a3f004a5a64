using System.Collections.Generic;
using CapOS.Kernel.Arch.X64;
using CapOS.Kernel.Invocation;
using CapOS.Kernel.NodeTree;
using CapOS.Kernel.Process;
using Xunit;

namespace CapOS.Kernel.Tests.Invocation;

/// <summary>The process key's orders (ProcessKey I1, I2; docs/invocation.md "Process key").</summary>
public sealed unsafe class ProcessKeyTests : System.IDisposable
{
    private const byte TargetKey = 5;
    private readonly IpcRig _ipc = new();
    private readonly int _target;
    private readonly int _holder;

    public ProcessKeyTests()
    {
        _target = _ipc.Add(RunState.Running);
        _holder = _ipc.Add(RunState.Running, new Dictionary<int, Key>
        {
            [TargetKey] = Key.Object(KeyType.Process, default, 0, KeyRights.None, 0),
            [8] = Key.Number(7, 8, 9),
        });
        _ipc.Boot();
        *_ipc.Entry(_holder)->KeyRegister(TargetKey) = Key.Object(KeyType.Process, _ipc.Processes.Root(_target), 0, KeyRights.None, 0);
    }

    public void Dispose() => _ipc.Dispose();

    private InvocationResult Order(uint order, ulong w0, out InvocationReply reply, byte send = 0, byte receive = 0)
    {
        InvocationArguments call = IpcRig.Message(TargetKey, InvocationType.Call, order, w0);
        call.SendKeys[0] = send;
        call.ReceiveKeys[0] = receive;
        _ipc.Invoke(_holder, call, out reply);
        return reply.Result;
    }

    [Fact]
    public void CopyAndSwapAKeyRegister()
    {
        Assert.Equal(InvocationResult.Ok, Order(ProcessOrder.SwapKeyRegister, 9, out _, send: 8, receive: 10));
        Assert.Equal(KeyType.Number, _ipc.Entry(_target)->KeyRegister(9)->Type);
        Assert.Equal(KeyType.Void, _ipc.Entry(_holder)->KeyRegister(10)->Type); // the old key was void
        Assert.Equal(InvocationResult.Ok, Order(ProcessOrder.CopyKeyRegister, 1, out _, receive: 11));
        Assert.Equal(KeyType.Console, _ipc.Entry(_holder)->KeyRegister(11)->Type);
        Assert.Equal(InvocationResult.RequestError, Order(ProcessOrder.SwapKeyRegister, 0, out _, send: 8));
        Assert.Equal(InvocationResult.RequestError, Order(ProcessOrder.CopyKeyRegister, 32, out _));
    }

    [Fact]
    public void SwapRootSlotChecksTheSlotAndTheKeyType()
    {
        Assert.Equal(InvocationResult.RequestError, Order(ProcessOrder.SwapRootSlot, ProcessRoot.KeyRegisters, out _, send: 8));
        Assert.Equal(InvocationResult.RequestError, Order(ProcessOrder.SwapRootSlot, ProcessRoot.State, out _, send: 8));
        Assert.Equal(InvocationResult.RequestError, Order(ProcessOrder.SwapRootSlot, ProcessRoot.AddressSpace, out _, send: 8)); // a number is no space
        Assert.Equal(InvocationResult.Ok, Order(ProcessOrder.SwapRootSlot, ProcessRoot.Brand, out _, send: 8, receive: 12));
        Assert.Equal(InvocationResult.Ok, Order(ProcessOrder.CopyRootSlot, ProcessRoot.Brand, out _, receive: 13));
        Assert.Equal(KeyType.Number, _ipc.Entry(_holder)->KeyRegister(13)->Type);
        Assert.Equal(InvocationResult.Ok, Order(ProcessOrder.SwapRootSlot, ProcessRoot.AddressSpace, out _, send: 0, receive: 14));
        Assert.Equal(KeyType.Page, _ipc.Entry(_holder)->KeyRegister(14)->Type); // the old space came back
    }

    [Fact]
    public void RegistersOfAnotherProcessCanBeReadAndSetButNotOnesOwn()
    {
        _ipc.Registers(_target)->Rbx = 0xBEEF;
        InvocationArguments get = IpcRig.Message(TargetKey, InvocationType.Call, ProcessOrder.GetRegisters);
        get.ReceiveAddress = 0x400;
        get.ReceiveCapacity = ProcessOrder.RegisterBytes;
        SimulatedUserWindow.Address = 0;
        SimulatedUserWindow.Bytes = new byte[4096];
        try
        {
            _ipc.Invoke(_holder, get, out InvocationReply reply);
            Assert.Equal(InvocationResult.Ok, reply.Result);
            Assert.Equal((ulong)ProcessOrder.RegisterBytes, reply.StringLength);
            Assert.Equal(0xBEEFUL, System.BitConverter.ToUInt64(SimulatedUserWindow.Bytes, 0x400 + 8));

            System.BitConverter.GetBytes(0x1234UL).CopyTo(SimulatedUserWindow.Bytes, 0x400 + 128); // RIP
            System.BitConverter.GetBytes(ulong.MaxValue).CopyTo(SimulatedUserWindow.Bytes, 0x400 + 136); // RFLAGS: sanitized
            InvocationArguments set = IpcRig.Message(TargetKey, InvocationType.Call, ProcessOrder.SetRegisters);
            set.StringAddress = 0x400;
            set.StringLength = ProcessOrder.RegisterBytes;
            _ipc.Invoke(_holder, set, out reply);
            Assert.Equal(InvocationResult.Ok, reply.Result);
            Assert.Equal(0x1234UL, _ipc.Registers(_target)->Rip);
            Assert.Equal(0x40DD5UL | RegisterAnnex.InitialRflags, _ipc.Registers(_target)->Rflags);

            set.StringLength = 8;
            _ipc.Invoke(_holder, set, out reply);
            Assert.Equal(InvocationResult.RequestError, reply.Result);
        }
        finally
        {
            SimulatedUserWindow.Bytes = null;
        }
    }

    [Fact]
    public void MakeRunningClearsAFaultAndHaltParksForGood()
    {
        ProcessTable.Park(_ipc.Entry(_target), FaultCode.AccessViolation, 0x10);
        Assert.Equal(InvocationResult.Ok, Order(ProcessOrder.GetState, 0, out InvocationReply state));
        Assert.Equal((ulong)FaultCode.AccessViolation, state.W1);
        Assert.Equal(InvocationResult.Ok, Order(ProcessOrder.MakeRunning, 0, out _));
        Assert.True(_ipc.Entry(_target)->Runnable);
        Assert.Equal(InvocationResult.Ok, Order(ProcessOrder.Halt, 0, out _));
        Assert.Equal(FaultCode.Halted, _ipc.Entry(_target)->FaultCode);
        Assert.Contains("proc: 1 halted", _ipc.Console);
    }

    [Fact]
    public void GetStateReportsTheQueueAProcessWaitsOnAndMakeRunningTakesItOff()
    {
        Stall.Add(_ipc.Entry(_target), StallReason.Checkpoint);
        Assert.Equal(InvocationResult.Ok, Order(ProcessOrder.GetState, 0, out InvocationReply state));
        Assert.Equal((ulong)StallReason.Checkpoint, state.W3 & 0xFF);
        Assert.Equal(InvocationResult.Ok, Order(ProcessOrder.MakeRunning, 0, out _));
        Assert.Equal(StallReason.None, _ipc.Entry(_target)->Stalled); // ProcessKey I3
        Assert.True(_ipc.Entry(_target)->Runnable);
        Order(ProcessOrder.GetState, 0, out state);
        Assert.Equal(0UL, state.W3);
    }

    [Fact]
    public void AStartKeyMadeByTheProcessKeyReachesIt()
    {
        Assert.Equal(InvocationResult.Ok, Order(ProcessOrder.MakeAvailable, 0, out _));
        Assert.Equal(InvocationResult.Ok, Order(ProcessOrder.MakeStartKey, 77, out _, receive: 15));
        Assert.Equal(DispatchOutcome.Switched, _ipc.Invoke(_holder, IpcRig.Message(15, InvocationType.Call, 3), out _));
        Assert.Equal(77UL, _ipc.Registers(_target)->Rdi);
        Assert.Equal(RunState.Waiting, _ipc.Entry(_holder)->State);
    }
}
