using System;
using System.Collections.Generic;
using CapOS.Kernel.Arch.X64;
using CapOS.Kernel.Invocation;
using CapOS.Kernel.NodeTree;
using CapOS.Kernel.ObjectCache;
using CapOS.Kernel.Process;
using CapOS.Kernel.Tests.Checkpoint;
using Xunit;

namespace CapOS.Kernel.Tests.Invocation;

/// <summary>The fast path agrees with the general path (FastPath I1, I2) and declines what it must.</summary>
public sealed unsafe class FastPathTests
{
    private const byte ServerStart = 5;
    private const byte Resume = 31;

    /// <summary>What a case leaves behind, compared between the two paths.</summary>
    private sealed record Outcome(string Registers, RunState Server, RunState Client, string ResumeKey, uint ClientCallCount, uint Next, string Queue);

    private static Outcome Run(bool fast, Action<IpcRig, int, int>? arrange, bool callThenReturn, bool senderWaits = false)
    {
        using var ipc = new IpcRig();
        int server = ipc.Add(RunState.Available);
        int client = ipc.Add(RunState.Running, new Dictionary<int, Key> { [ServerStart] = ipc.StartKey(server, 9) });
        int waiter = ipc.Add(RunState.Running, new Dictionary<int, Key> { [ServerStart] = ipc.StartKey(server, 9) });
        ipc.Boot();
        ipc.Registers(server)->R14 = (ulong)Resume << 24;
        ipc.Registers(server)->R9 = ipc.Registers(client)->R9 = 0xBAD1; // every reply register is written: no stale value survives
        ipc.Registers(server)->Rdi = ipc.Registers(client)->Rdi = 0xBAD2;
        Assert.True(Cache.MarkDirty(ipc.Entry(server)->KeyRegistersFrame));
        Assert.True(Cache.MarkDirty(ipc.Entry(client)->RootFrame));
        Assert.Equal(CacheResult.Ok, Cache.PrepareKey(ipc.Entry(client)->KeyRegister(ServerStart), out _));
        arrange?.Invoke(ipc, server, client);

        InvocationArguments call = IpcRig.Message(ServerStart, InvocationType.Call, 3, w0: 100);
        call.W1 = 101;
        call.W2 = 102;
        call.W3 = 103;
        Step(ipc, client, call, fast);
        if (senderWaits)
        {
            Stall.AddForReceiver(ipc.Entry(waiter), ipc.Entry(server)); // a second caller found the server busy
        }

        if (callThenReturn)
        {
            Assert.Equal(CacheResult.Ok, Cache.PrepareKey(ipc.Entry(server)->KeyRegister(Resume), out _));
            InvocationArguments answer = IpcRig.Message(Resume, InvocationType.Return, 0, w0: 200);
            answer.ReceiveKeys[3] = Resume;
            Step(ipc, server, answer, fast);
        }

        RegisterAnnex* s = ipc.Registers(server);
        RegisterAnnex* c = ipc.Registers(client);
        Key* resume = ipc.Entry(server)->KeyRegister(Resume);
        Key disk;
        Cache.DiskForm(resume, &disk);
        return new Outcome(
            $"{s->Rax} {s->Rsi} {s->Rdx} {s->R10} {s->R8} {s->R9} {s->Rdi} | {c->Rax} {c->Rsi} {c->Rdx} {c->R10} {c->R8} {c->R9} {c->Rdi}",
            ipc.Entry(server)->State, ipc.Entry(client)->State, $"{disk.Type} {disk.Oid.Value:x} {disk.AllocCount}",
            Cache.NodeBody(ipc.Entry(client)->RootFrame)->CallCount, Dispatcher.Next == null ? 0 : Dispatcher.Next->Pid,
            $"{ipc.Entry(server)->ReservedFor} {ipc.Entry(server)->WaitHead} {ipc.Entry(waiter)->Stalled}");
    }

    private static void Step(IpcRig ipc, int index, InvocationArguments arguments, bool fast)
    {
        Dispatcher.ClearNext();
        if (fast)
        {
            ProcessEntry* entry = ipc.Entry(index);
            IpcRig.SaveArguments(entry, &arguments);
            Assert.True(FastPath.TryInvoke(entry, &arguments), "the fast path declined an eligible case");
        }
        else
        {
            Assert.Equal(DispatchOutcome.Switched, ipc.Invoke(index, arguments, out _));
        }
    }

    [Theory]
    [InlineData(false, false)]
    [InlineData(true, false)]
    [InlineData(true, true)]
    public void EveryCaseAgreesWithTheGeneralPath(bool callThenReturn, bool senderWaits)
    {
        Outcome general = Run(fast: false, null, callThenReturn, senderWaits);
        Outcome fast = Run(fast: true, null, callThenReturn, senderWaits);
        Assert.Equal(general, fast);
        Assert.Equal(senderWaits ? "3 0 None" : "0 0 None", fast.Queue); // the return hands the server to the waiting caller (Gates I3)
    }

    public static TheoryData<string> Ineligible => ["busy", "rescinded", "clean", "keys", "string", "send", "reserved"];

    [Theory]
    [MemberData(nameof(Ineligible))]
    public void ItDeclinesWithNothingChanged(string why)
    {
        using var ipc = new IpcRig();
        int server = ipc.Add(RunState.Available);
        int client = ipc.Add(RunState.Running, new Dictionary<int, Key> { [ServerStart] = ipc.StartKey(server, 9) });
        ipc.Boot();
        ipc.Registers(server)->R14 = (ulong)Resume << 24;
        Assert.True(Cache.MarkDirty(ipc.Entry(server)->KeyRegistersFrame));
        Key* start = ipc.Entry(client)->KeyRegister(ServerStart);
        Assert.Equal(CacheResult.Ok, Cache.PrepareKey(start, out _));
        InvocationArguments call = IpcRig.Message(ServerStart, InvocationType.Call, 3);
        switch (why)
        {
            case "busy": ipc.Entry(server)->State = RunState.Running; break;
            case "rescinded": Cache.UnprepareKey(start); *start = Key.Object(KeyType.Start, start->Oid, 5, KeyRights.None, 9); break;
            case "clean": CheckpointerTestRig.Checkpoint(); break;
            case "keys": call.SendKeys[0] = 1; break;
            case "string": call.StringLength = 1; break;
            case "send": call.Type = InvocationType.Send; break;
            case "reserved": ipc.Entry(server)->ReservedFor = 77; break;
        }

        string before = $"{ipc.Registers(server)->Rax} {ipc.Entry(server)->State} {ipc.Entry(client)->State} {ipc.Entry(server)->KeyRegister(Resume)->Type}";
        Assert.False(FastPath.TryInvoke(ipc.Entry(client), &call));
        Assert.Equal(before, $"{ipc.Registers(server)->Rax} {ipc.Entry(server)->State} {ipc.Entry(client)->State} {ipc.Entry(server)->KeyRegister(Resume)->Type}");
    }
}
