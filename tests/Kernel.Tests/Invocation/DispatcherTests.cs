using System.Collections.Generic;
using CapOS.Kernel.Invocation;
using CapOS.Kernel.NodeTree;
using CapOS.Kernel.Process;
using CapOS.Kernel.Tests.Checkpoint;
using CapOS.Kernel.Tests.Process;
using Xunit;

namespace CapOS.Kernel.Tests.Invocation;

/// <summary>The dispatcher over a stored process's real key registers (console in 1, a process key to itself in 2).</summary>
public sealed unsafe class DispatcherTests : System.IDisposable
{
    private const ulong WindowAddress = 0x400000;
    private readonly CheckpointerTestRig _rig;
    private readonly ProcessEntry* _invoker;
    private readonly int _mark;

    public DispatcherTests()
    {
        var processes = new StoredProcesses().Add(RunState.Running, new Dictionary<int, Key>
        {
            [1] = Key.Kernel(KeyType.Console, 0),
            [2] = Key.Object(KeyType.Process, default, 0, KeyRights.None, 0), // itself
        });
        _rig = processes.Boot();
        _invoker = processes.Entry(0);
        _mark = _rig.Machine.ConsoleText.Length;
        SimulatedUserWindow.Address = WindowAddress;
        SimulatedUserWindow.Bytes = new byte[8192];
    }

    /// <summary>What the console received since the process was loaded.</summary>
    private string Console => _rig.Machine.ConsoleText[_mark..];

    public void Dispose()
    {
        SimulatedUserWindow.Bytes = null;
        _rig.Dispose();
    }

    /// <summary>The dispatcher copies the arguments word by word (Dispatcher.CopyArguments): a field added without a word there would arrive as garbage.</summary>
    [Fact]
    public void TheArgumentsAreExactlyTheWordsTheDispatcherCopies()
    {
        Assert.Equal(Dispatcher.ArgumentWords * sizeof(ulong), sizeof(InvocationArguments));
    }

    [Fact]
    public void ConsoleWriteLinePrintsWithTheInvokersPid()
    {
        InvocationArguments arguments = WithString(1, ConsoleOrder.WriteLine, "hello");
        InvocationReply reply;
        Assert.Equal(DispatchOutcome.Reply, Dispatcher.Dispatch(_invoker, &arguments, &reply));
        Assert.Equal(InvocationResult.Ok, reply.Result);
        Assert.Equal("user[1]: hello\n", Console);
    }

    [Fact]
    public void EveryKernelKeyAnswersItsAllegedType()
    {
        InvocationArguments arguments = default;
        arguments.KeyRegister = 1;
        arguments.Order = KeyOrder.AllegedKeyType;
        InvocationReply reply;
        Assert.Equal(DispatchOutcome.Reply, Dispatcher.Dispatch(_invoker, &arguments, &reply));
        Assert.Equal(InvocationResult.Ok, reply.Result);
        Assert.Equal((ulong)KeyType.Console, reply.W0);
        arguments.KeyRegister = 2;
        Dispatcher.Dispatch(_invoker, &arguments, &reply);
        Assert.Equal((ulong)KeyType.Process, reply.W0);
    }

    [Fact]
    public void AnUnknownInvocationTypeIsRefusedBeforeAnythingHappens()
    {
        InvocationArguments arguments = WithString(1, ConsoleOrder.WriteLine, "never");
        arguments.Type = (InvocationType)7;
        InvocationReply reply;
        Dispatcher.Dispatch(_invoker, &arguments, &reply);
        Assert.Equal(InvocationResult.BadInvocation, reply.Result);
        Assert.Equal(string.Empty, Console);
    }

    [Theory]
    [InlineData(0, 32)]
    [InlineData(3, 200)]
    public void ASentOrReceiveRegisterOutOfRangeIsRefused(int position, int register)
    {
        InvocationArguments arguments = WithString(1, ConsoleOrder.WriteLine, "never");
        arguments.SendKeys[position] = (byte)register;
        InvocationReply reply;
        Dispatcher.Dispatch(_invoker, &arguments, &reply);
        Assert.Equal(InvocationResult.BadKeyRegister, reply.Result);
        arguments.SendKeys[position] = 0;
        arguments.ReceiveKeys[position] = (byte)register;
        Dispatcher.Dispatch(_invoker, &arguments, &reply);
        Assert.Equal(InvocationResult.BadKeyRegister, reply.Result);
        Assert.Equal(string.Empty, Console);
    }

    [Fact]
    public void VoidKeyRepliesVoid()
    {
        InvocationArguments arguments = WithString(0, ConsoleOrder.WriteLine, "nothing");
        InvocationReply reply;
        Assert.Equal(DispatchOutcome.Reply, Dispatcher.Dispatch(_invoker, &arguments, &reply));
        Assert.Equal(InvocationResult.Void, reply.Result);
        Assert.Equal(string.Empty, Console);
    }

    [Fact]
    public void EmptyKeyRegisterIsVoid()
    {
        InvocationArguments arguments = WithString(7, ConsoleOrder.WriteLine, "x");
        InvocationReply reply;
        Dispatcher.Dispatch(_invoker, &arguments, &reply);
        Assert.Equal(InvocationResult.Void, reply.Result);
    }

    [Theory]
    [InlineData(Node.SlotCount)]
    [InlineData(255)]
    public void KeyRegisterOutOfRangeIsRefused(int register)
    {
        InvocationArguments arguments = WithString((byte)register, ConsoleOrder.WriteLine, "x");
        InvocationReply reply;
        Dispatcher.Dispatch(_invoker, &arguments, &reply);
        Assert.Equal(InvocationResult.BadKeyRegister, reply.Result);
    }

    [Fact]
    public void UnknownOrderIsRefused()
    {
        InvocationArguments arguments = WithString(1, 99, "x");
        InvocationReply reply;
        Dispatcher.Dispatch(_invoker, &arguments, &reply);
        Assert.Equal(InvocationResult.UnknownOrder, reply.Result);
    }

    [Theory]
    [InlineData(0x1000UL, 5UL)] // not mapped
    [InlineData(WindowAddress + 8190, 5UL)] // runs off the end of the mapping
    [InlineData(0xFFFF800000000000UL, 5UL)] // kernel half
    [InlineData(0x00007FFFFFFFFFFEUL, 5UL)] // crosses the top of the user half
    [InlineData(0xFFFFFFFFFFFFFFFEUL, 5UL)] // wraps around
    [InlineData(WindowAddress, UserMemory.MaxStringLength + 1)] // too long
    public void BadStringIsRefusedWithoutPrinting(ulong address, ulong length)
    {
        InvocationArguments arguments = default;
        arguments.KeyRegister = 1;
        arguments.Order = ConsoleOrder.WriteLine;
        arguments.StringAddress = address;
        arguments.StringLength = length;
        InvocationReply reply;
        Dispatcher.Dispatch(_invoker, &arguments, &reply);
        Assert.Equal(InvocationResult.BadString, reply.Result);
        Assert.Equal(string.Empty, Console);
    }

    [Fact]
    public void ExitOrderEndsTheInvoker()
    {
        InvocationArguments arguments = default;
        arguments.KeyRegister = 2;
        arguments.Order = ProcessOrder.Halt;
        InvocationReply reply;
        Assert.Equal(DispatchOutcome.InvokerEnded, Dispatcher.Dispatch(_invoker, &arguments, &reply));
        Assert.Equal(FaultCode.Halted, _invoker->FaultCode);
        Assert.Equal("proc: 1 exited\n", Console);
    }

    private static InvocationArguments WithString(byte keyRegister, uint order, string text)
    {
        byte[] bytes = System.Text.Encoding.ASCII.GetBytes(text);
        System.Array.Copy(bytes, SimulatedUserWindow.Bytes!, bytes.Length);
        InvocationArguments arguments = default;
        arguments.KeyRegister = keyRegister;
        arguments.Order = order;
        arguments.StringAddress = WindowAddress;
        arguments.StringLength = (ulong)bytes.Length;
        return arguments;
    }
}
