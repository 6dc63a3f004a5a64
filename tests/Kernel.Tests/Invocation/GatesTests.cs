using System.Collections.Generic;
using CapOS.Kernel.Invocation;
using CapOS.Kernel.NodeTree;
using CapOS.Kernel.ObjectCache;
using CapOS.Kernel.Process;
using CapOS.Kernel.Tests.Checkpoint;
using Xunit;

namespace CapOS.Kernel.Tests.Invocation;

/// <summary>Start and resume keys between stored processes (Gates I1-I3; docs/invocation.md "Gates").</summary>
public sealed unsafe class GatesTests : System.IDisposable
{
    private const byte ServerStart = 5;
    private const byte ClientResume = 7; // where the server receives the caller's resume key
    private const byte ClientKey = 6;    // where the server receives the caller's first key
    private readonly IpcRig _ipc = new();
    private readonly int _server;
    private readonly int _client;

    public GatesTests()
    {
        _server = _ipc.Add(RunState.Available);
        _client = _ipc.Add(RunState.Running, new Dictionary<int, Key> { [ServerStart] = _ipc.StartKey(_server, 42) });
        _ipc.Boot();
        ServerReceives(_server);
    }

    public void Dispose() => _ipc.Dispose();

    /// <summary>The server's last invocation named where it receives: key 0 into register 6, key 3 into 7, 64 bytes at 0x100.</summary>
    private void ServerReceives(int server)
    {
        var r = _ipc.Registers(server);
        r->R14 = ClientKey | ((ulong)ClientResume << 24);
        r->R15 = 0x100;
        r->Rbx = 64;
    }

    private DispatchOutcome ClientCalls(int client, string text, out InvocationReply reply)
    {
        _ipc.Poke(client, 0x200, text);
        InvocationArguments call = IpcRig.Message(ServerStart, InvocationType.Call, 9, w0: 1111);
        call.W3 = 4444;
        call.StringAddress = 0x200;
        call.StringLength = (ulong)text.Length;
        call.SendKeys[0] = 1; // the console key
        call.ReceiveKeys[0] = 10;
        call.ReceiveAddress = 0x300;
        call.ReceiveCapacity = 16;
        return _ipc.Invoke(client, call, out reply);
    }

    [Fact]
    public void ACallDeliversWordsStringKeysAndAResumeKeyAndTheServerRunsNext()
    {
        Assert.Equal(DispatchOutcome.Switched, ClientCalls(_client, "hello", out _));

        ProcessEntry* server = _ipc.Entry(_server);
        Assert.True(Dispatcher.Next == server);
        Assert.Equal(RunState.Running, server->State);
        Assert.Equal(RunState.Waiting, _ipc.Entry(_client)->State);
        var r = _ipc.Registers(_server);
        Assert.Equal(9UL, r->Rax);       // the order
        Assert.Equal(1111UL, r->Rsi);
        Assert.Equal(4444UL, r->R8);
        Assert.Equal(42UL, r->Rdi);      // the start key's key info
        Assert.Equal(5UL, r->R9);        // string length
        Assert.Equal("hello", _ipc.Peek(_server, 0x100, 5));
        Assert.Equal(KeyType.Console, server->KeyRegister(ClientKey)->Type);
        Key* resume = server->KeyRegister(ClientResume);
        Assert.Equal(KeyType.Resume, resume->Type);
        Assert.Equal(_ipc.Processes.Root(_client), resume->Oid);
    }

    [Fact]
    public void AReturnThroughTheResumeKeyRepliesAndTheResumeKeyIsThenConsumed()
    {
        ClientCalls(_client, "hi", out _);
        _ipc.Poke(_server, 0x180, "reply!");
        InvocationArguments answer = IpcRig.Message(ClientResume, InvocationType.Return, 0, w0: 77);
        answer.StringAddress = 0x180;
        answer.StringLength = 6;
        answer.SendKeys[0] = ClientKey;
        answer.ReceiveKeys[0] = ClientKey;
        answer.ReceiveKeys[3] = ClientResume;

        Assert.Equal(DispatchOutcome.Switched, _ipc.Invoke(_server, answer, out _));

        ProcessEntry* client = _ipc.Entry(_client);
        Assert.True(Dispatcher.Next == client);
        Assert.Equal(RunState.Running, client->State);
        Assert.Equal(RunState.Available, _ipc.Entry(_server)->State);
        var r = _ipc.Registers(_client);
        Assert.Equal(0UL, r->Rax);
        Assert.Equal(77UL, r->Rsi);
        Assert.Equal(0UL, r->Rdi); // a reply carries no key info
        Assert.Equal(6UL, r->R9);
        Assert.Equal("reply!", _ipc.Peek(_client, 0x300, 6));
        Assert.Equal(KeyType.Console, client->KeyRegister(10)->Type);

        // Every copy of the resume key is consumed: a second reply does nothing to the client.
        r->Rsi = 5;
        ServerReceives(_server);
        _ipc.Entry(_server)->State = RunState.Running;
        Assert.Equal(DispatchOutcome.Switched, _ipc.Invoke(_server, answer, out _));
        Assert.Equal(5UL, r->Rsi);
        Assert.Equal(RunState.Available, _ipc.Entry(_server)->State);
        Assert.True(Dispatcher.Next == null);
    }

    [Fact]
    public void AnOldCopyOfAResumeKeyIsVoidEvenWhenTheCallerWaitsAgain()
    {
        ClientCalls(_client, "x", out _);
        Key old = *_ipc.Entry(_server)->KeyRegister(ClientResume);
        Cache.UnprepareKey(&old);
        *_ipc.Entry(_server)->KeyRegister(12) = old; // a copy kept by the server
        _ipc.Invoke(_server, IpcRig.Message(ClientResume, InvocationType.Return, 0), out _);
        ServerReceives(_server);
        ClientCalls(_client, "y", out _); // waiting again, for a new reply
        _ipc.Registers(_client)->Rsi = 5;

        Assert.Equal(DispatchOutcome.Reply, _ipc.Invoke(_server, IpcRig.Message(12, InvocationType.Call, 0, w0: 66), out InvocationReply reply));
        Assert.Equal(InvocationResult.Void, reply.Result);
        Assert.Equal(RunState.Waiting, _ipc.Entry(_client)->State);
        Assert.Equal(5UL, _ipc.Registers(_client)->Rsi);

        Assert.Equal(DispatchOutcome.Switched, _ipc.Invoke(_server, IpcRig.Message(ClientResume, InvocationType.Return, 0, w0: 67), out _));
        Assert.Equal(67UL, _ipc.Registers(_client)->Rsi);
    }

    [Fact]
    public void SendersToABusyServerWaitInOrderAndNoNewcomerOvertakes()
    {
        using var ipc = new IpcRig();
        int server = ipc.Add(RunState.Available);
        int first = ipc.Add(RunState.Running, new Dictionary<int, Key> { [ServerStart] = ipc.StartKey(server, 1) });
        int second = ipc.Add(RunState.Running, new Dictionary<int, Key> { [ServerStart] = ipc.StartKey(server, 2) });
        int third = ipc.Add(RunState.Running, new Dictionary<int, Key> { [ServerStart] = ipc.StartKey(server, 3) });
        ipc.Boot();
        var call = IpcRig.Message(ServerStart, InvocationType.Call, 1);
        Assert.Equal(DispatchOutcome.Switched, ipc.Invoke(first, call, out _));
        Assert.Equal(DispatchOutcome.Stalled, ipc.Invoke(second, call, out _));
        Assert.Equal(StallReason.Receiver, ipc.Entry(second)->Stalled);

        // The server returns to nobody (a void key): it becomes Available, reserved for the first waiter.
        Assert.Equal(DispatchOutcome.Switched, ipc.Invoke(server, IpcRig.Message(20, InvocationType.Return, 0), out _));
        Assert.Equal(StallReason.None, ipc.Entry(second)->Stalled);
        Assert.Equal(DispatchOutcome.Stalled, ipc.Invoke(third, call, out _)); // I3: reserved for `second`
        Assert.Equal(DispatchOutcome.Switched, ipc.Invoke(second, call, out _));
        Assert.Equal(2UL, ipc.Registers(server)->Rdi);
    }

    [Fact]
    public void ASenderMadeAvailableWhileQueuedNeitherBlocksTheQueueNorKeepsTheReservation()
    {
        using var ipc = new IpcRig();
        int server = ipc.Add(RunState.Available);
        int first = ipc.Add(RunState.Running, new Dictionary<int, Key> { [ServerStart] = ipc.StartKey(server, 1) });
        int stuck = ipc.Add(RunState.Running, new Dictionary<int, Key> { [ServerStart] = ipc.StartKey(server, 2) });
        int later = ipc.Add(RunState.Running, new Dictionary<int, Key> { [ServerStart] = ipc.StartKey(server, 3) });
        ipc.Boot();
        *ipc.Entry(first)->KeyRegister(9) = Key.Object(KeyType.Process, ipc.Processes.Root(stuck), 0, KeyRights.None, 0);
        var call = IpcRig.Message(ServerStart, InvocationType.Call, 1);
        Assert.Equal(DispatchOutcome.Switched, ipc.Invoke(first, call, out _));
        Assert.Equal(DispatchOutcome.Stalled, ipc.Invoke(stuck, call, out _));

        // While it waits in the queue, another process makes it Available: it will not invoke again.
        ipc.Entry(first)->State = RunState.Running;
        Assert.Equal(DispatchOutcome.Reply, ipc.Invoke(first, IpcRig.Message(9, InvocationType.Call, ProcessOrder.MakeAvailable), out InvocationReply made));
        Assert.Equal(InvocationResult.Ok, made.Result);
        Assert.Equal(StallReason.None, ipc.Entry(stuck)->Stalled); // ProcessKey I3: off the queue

        Assert.Equal(DispatchOutcome.Switched, ipc.Invoke(server, IpcRig.Message(20, InvocationType.Return, 0), out _));
        Assert.Equal(0u, ipc.Entry(server)->ReservedFor);
        Assert.Equal(DispatchOutcome.Switched, ipc.Invoke(later, call, out _)); // not blocked behind it
        Assert.Equal(3UL, ipc.Registers(server)->Rdi);
    }

    [Fact]
    public void AReservationForASenderThatStoppedRunningPassesOn()
    {
        using var ipc = new IpcRig();
        int server = ipc.Add(RunState.Available);
        int first = ipc.Add(RunState.Running, new Dictionary<int, Key> { [ServerStart] = ipc.StartKey(server, 1) });
        int second = ipc.Add(RunState.Running, new Dictionary<int, Key> { [ServerStart] = ipc.StartKey(server, 2) });
        int third = ipc.Add(RunState.Running, new Dictionary<int, Key> { [ServerStart] = ipc.StartKey(server, 3) });
        ipc.Boot();
        var call = IpcRig.Message(ServerStart, InvocationType.Call, 1);
        ipc.Invoke(first, call, out _);
        Assert.Equal(DispatchOutcome.Stalled, ipc.Invoke(second, call, out _));
        Assert.Equal(DispatchOutcome.Switched, ipc.Invoke(server, IpcRig.Message(20, InvocationType.Return, 0), out _));
        Assert.Equal(ipc.Entry(second)->Pid, ipc.Entry(server)->ReservedFor);

        ipc.Entry(second)->State = RunState.Available; // woken, but it will not invoke again

        Assert.Equal(DispatchOutcome.Switched, ipc.Invoke(third, call, out _));
        Assert.Equal(3UL, ipc.Registers(server)->Rdi);
    }

    [Fact]
    public void AStartKeyToItselfIsRefusedAndNothingWaits()
    {
        using var ipc = new IpcRig();
        int lone = ipc.Add(RunState.Running);
        ipc.Boot();
        *ipc.Entry(lone)->KeyRegister(5) = ipc.StartKey(lone, 0);
        Assert.Equal(DispatchOutcome.Reply, ipc.Invoke(lone, IpcRig.Message(5, InvocationType.Call, 0), out InvocationReply reply));
        Assert.Equal(InvocationResult.BadInvocation, reply.Result);
        Assert.Equal(StallReason.None, ipc.Entry(lone)->Stalled);
    }

    [Fact]
    public void ABadStringFailsTheCallWithoutDelivering()
    {
        InvocationArguments call = IpcRig.Message(ServerStart, InvocationType.Call, 9);
        call.StringAddress = 0x10000; // beyond the one-page space
        call.StringLength = 4;
        Assert.Equal(DispatchOutcome.Reply, _ipc.Invoke(_client, call, out InvocationReply reply));
        Assert.Equal(InvocationResult.BadString, reply.Result);
        Assert.Equal(RunState.Available, _ipc.Entry(_server)->State);
        Assert.Equal(RunState.Running, _ipc.Entry(_client)->State);
    }

    [Fact]
    public void AShortReceiveBufferTakesWhatFits()
    {
        _ipc.Registers(_server)->Rbx = 3;
        ClientCalls(_client, "abcdef", out _);
        Assert.Equal(3UL, _ipc.Registers(_server)->R9);
        Assert.Equal("abc", _ipc.Peek(_server, 0x100, 3));
        Assert.Equal(0, _ipc.Peek(_server, 0x103, 1)[0]);
    }

    [Fact]
    public void ASendLeavesTheSenderRunningWithOkAndGivesNoResumeKey()
    {
        InvocationArguments send = IpcRig.Message(ServerStart, InvocationType.Send, 3);
        Assert.Equal(DispatchOutcome.Reply, _ipc.Invoke(_client, send, out InvocationReply reply));
        Assert.Equal(InvocationResult.Ok, reply.Result);
        Assert.Equal(RunState.Running, _ipc.Entry(_client)->State);
        Assert.Equal(RunState.Running, _ipc.Entry(_server)->State);
        Assert.Equal(KeyType.Void, _ipc.Entry(_server)->KeyRegister(ClientResume)->Type);
    }

    [Fact]
    public void AWaitingCallerAndItsResumeKeySurviveACheckpointAndACrash()
    {
        ClientCalls(_client, "persist", out _);
        CheckpointerTestRig.Checkpoint();
        byte[] disk = (byte[])_ipc.Rig.Disk.Image.Clone();
        _ipc.Dispose();

        var processes = _ipc.Processes;
        using var rig = processes.Boot(disk);
        ProcessEntry* server = processes.Entry(_server);
        ProcessEntry* client = ProcessTable.Find(processes.Root(_client));
        Assert.True(client != null); // Waiting: on the restart list, loaded, not runnable
        Assert.Equal(RunState.Waiting, client->State);
        Assert.Equal(KeyType.Resume, server->KeyRegister(ClientResume)->Type);
        InvocationArguments answer = IpcRig.Message(ClientResume, InvocationType.Return, 0, w0: 99);
        InvocationReply reply;
        Assert.Equal(DispatchOutcome.Switched, Dispatcher.Dispatch(server, &answer, &reply));
        Assert.Equal(RunState.Running, client->State);
        Assert.Equal(99UL, ((Arch.X64.RegisterAnnex*)client->Context)->Rsi);
    }

    /// <summary>
    /// A process that destroys its own bank with objects (a constructor's instance ending itself, ProcBench): the bank
    /// server rescinds the caller's root, key registers node and annex while the caller waits for its answer, then
    /// returns through the caller's resume key, which names nothing now. The caller is gone from the table and never
    /// runs; the server's return answers nobody and leaves it Available.
    /// </summary>
    [Fact]
    public void AClientWhoseObjectsTheServerRescindsWhileItWaitsIsGoneAndTheReturnFindsNobody()
    {
        using var ipc = new IpcRig();
        const byte prime = 9;
        int server = ipc.Add(RunState.Available, new Dictionary<int, Key> { [prime] = Key.Kernel(KeyType.PrimeRange, 0) });
        int client = ipc.Add(RunState.Running, new Dictionary<int, Key> { [ServerStart] = ipc.StartKey(server, 1) });
        ipc.Boot();
        ServerReceivesIn(ipc, server);
        Assert.Equal(DispatchOutcome.Switched, ipc.Invoke(client, IpcRig.Message(ServerStart, InvocationType.Call, 8), out _));
        Assert.Equal(RunState.Waiting, ipc.Entry(client)->State);

        foreach (Oid part in new[] { ipc.Processes.Root(client), ipc.Processes.KeyRegistersOf(client), ipc.Processes.Annex(client) })
        {
            Assert.Equal(DispatchOutcome.Reply, ipc.Invoke(server, IpcRig.Message(prime, InvocationType.Call, RangeOrder.Rescind, w0: part.Value), out InvocationReply rescinded));
            Assert.Equal(InvocationResult.Ok, rescinded.Result);
        }

        Assert.True(ProcessTable.Find(ipc.Processes.Root(client)) == null);
        Assert.Equal(DispatchOutcome.Switched, ipc.Invoke(server, IpcRig.Message(ClientResume, InvocationType.Return, 0), out _));
        Assert.Equal(RunState.Available, ipc.Entry(server)->State);
        Assert.True(ProcessTable.Find(ipc.Processes.Root(client)) == null);
        Assert.True(ProcessTable.SelectNext() == null);
    }

    private static void ServerReceivesIn(IpcRig ipc, int server)
    {
        var r = ipc.Registers(server);
        r->R14 = ClientKey | ((ulong)ClientResume << 24);
    }
}
