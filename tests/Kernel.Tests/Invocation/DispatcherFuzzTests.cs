using System;
using System.Collections.Generic;
using CapOS.Kernel.Arch.X64;
using CapOS.Kernel.Checkpoint;
using CapOS.Kernel.Invocation;
using CapOS.Kernel.NodeTree;
using CapOS.Kernel.ObjectCache;
using CapOS.Kernel.Process;
using CapOS.Kernel.Tests.Checkpoint;
using Xunit;

namespace CapOS.Kernel.Tests.Invocation;

/// <summary>
/// The decoder fuzzed on the host (docs/fuzz.md "Host fuzz"): seeded random invocations, in the shape the ring-3
/// fuzzers draw (userspace/Fuzzer/InvocationGenerator.cs), through <see cref="FastPath.TryInvoke"/> and then
/// <see cref="Dispatcher.Dispatch"/> as the trap path calls them, from four stored processes holding keys to
/// themselves, to each other, to the kernel and to their own objects; now and then a process faults (to its
/// keeper). Every case must end in a defined outcome with a defined result code and no exception (a panic is
/// an exception on the host); after every batch the object cache and the process table must pass their checks,
/// and every few batches a checkpoint (with its consistency check) must commit.
/// </summary>
public sealed unsafe class DispatcherFuzzTests : IDisposable
{
    private const ulong WindowAddress = 0x10000;
    private const int WindowBytes = 8192;
    private const int Batch = 100;

    private const int Server = 0;
    private const int Keeper = 1;
    private const int Other = 2;
    private const int Fuzzer = 3;

    private readonly IpcRig _ipc = new();

    public DispatcherFuzzTests()
    {
        SimulatedUserWindow.Address = WindowAddress;
        SimulatedUserWindow.Bytes = new byte[WindowBytes];
        _ipc.Add(RunState.Available);
        _ipc.Add(RunState.Available);
        _ipc.Add(RunState.Running, Keys(Other), keeper: Keeper);
        _ipc.Add(RunState.Running, Keys(Fuzzer), keeper: Keeper);
        _ipc.Boot();
    }

    public void Dispose()
    {
        SimulatedUserWindow.Bytes = null;
        _ipc.Dispose();
    }

    /// <summary>What the generator draws: (process, arguments) per case, for a given seed.</summary>
    [Theory]
    [InlineData(1UL)]
    [InlineData(2UL)]
    [InlineData(3UL)]
    [InlineData(0xC0FFEEUL)]
    public void RandomInvocationsAlwaysGetADefinedAnswer(ulong seed)
    {
        var random = new Random((int)(seed ^ (seed >> 32)));
        var seen = new Dictionary<string, int>();
        const int cases = 3000;
        for (int i = 0; i < cases; i++)
        {
            int invoker = PickRunnable(random);
            if (random.Next(40) == 0)
            {
                Fault(invoker, random);
                Count(seen, "fault");
            }
            else
            {
                InvocationArguments arguments = InvocationFuzz.Draw(random);
                string what = Step(invoker, &arguments, seed, i);
                Count(seen, what);
            }

            if (i % Batch == Batch - 1)
            {
                CheckTheKernel(seed, i);
            }

            if (i % (Batch * 5) == Batch * 5 - 1)
            {
                Checkpointer.Drain(); // a checkpoint the fuzzed checkpoint key started
                Assert.True(!Checkpointer.Stopped, $"seed {seed} after case {i}: checkpointing stopped\n{_ipc.Console}");
                ulong sequence = Checkpointer.TakeCheckpoint();
                Assert.True(sequence != 0, $"seed {seed} after case {i}: no checkpoint: {ConsistencyCheck.Name(ConsistencyCheck.Failure)} on 0x{ConsistencyCheck.FailedOid.Value:x}\n{_ipc.Console}");
                Checkpointer.Drain();
            }
        }

        Assert.True(seen.Count >= 6, $"seed {seed}: too few kinds of outcome: {string.Join(", ", seen)}");
    }

    /// <summary>The fuzzer's key registers: everything on hand, as system/fuzz.sys gives the ring-3 fuzzers.</summary>
    private Dictionary<int, Key> Keys(int self)
    {
        var keys = new Dictionary<int, Key>
        {
            [1] = Key.Kernel(KeyType.Console, 0),
            [2] = Key.Object(KeyType.Process, default, 0, KeyRights.None, 0), // StoredProcesses: the process itself
            [3] = Key.Kernel(KeyType.Checkpoint, 0),
            [4] = Key.Number(7, 8, 9),
            [5] = _ipc.StartKey(Server, 5),
            [6] = Key.Object(KeyType.Process, _ipc.Processes.Root(Keeper), 0, KeyRights.None, 0),
            [7] = _ipc.StartKey(Keeper, 7),
            [8] = Key.Object(KeyType.Resume, _ipc.Processes.Root(Server), 0, KeyRights.None, 0),
            [9] = Key.Object(KeyType.Page, _ipc.Processes.FreePage((ulong)self), 0, KeyRights.None, 0),
            [10] = Key.Object(KeyType.Node, _ipc.Processes.FreeNode((ulong)self), 0, KeyRights.None, 0),
            [11] = Key.Object(KeyType.Segment, _ipc.Processes.FreeNode((ulong)self), 0, KeyRights.None, 0),
            [12] = Key.Kernel(KeyType.Sched, 8),
        };
        if (self == Fuzzer)
        {
            keys[13] = Key.Object(KeyType.Process, _ipc.Processes.Root(Other), 0, KeyRights.None, 0);
            keys[14] = _ipc.StartKey(Other, 14);
            keys[15] = Key.Object(KeyType.Resume, _ipc.Processes.Root(Other), 0, KeyRights.None, 0);
        }

        return keys;
    }

    /// <summary>One case as the trap path runs it: registers saved, the fast path tried, else the dispatcher.</summary>
    private string Step(int invoker, InvocationArguments* arguments, ulong seed, int index)
    {
        ProcessEntry* entry = _ipc.Entry(invoker);
        IpcRig.SaveArguments(entry, arguments);
        entry->Flags |= ProcessFlags.ContextChanged;
        Dispatcher.ClearNext();
        string context = $"seed {seed} case {index}: process {invoker} {InvocationFuzz.Describe(arguments)}";
        InvocationReply reply;
        ulong w0 = arguments->W0;
        ulong w1 = arguments->W1;
        ulong answer = KernelFastPath.TryAnswer(entry, ((RegisterAnnex*)entry->Context)->Rdi, arguments->Order,
            arguments->StringLength, *(uint*)arguments->SendKeys, *(uint*)arguments->ReceiveKeys, &w0, &w1);
        if (answer != KernelFastPath.Declined)
        {
            var result = (InvocationResult)answer;
            // It changes nothing (KernelFastPath I1), so the general path on the same state must answer the same (I2).
            Assert.Equal(DispatchOutcome.Reply, Dispatcher.Dispatch(entry, arguments, &reply));
            Assert.True($"{reply.Result} {reply.W0} {reply.W1} {reply.W2} {reply.W3} {reply.StringLength} {reply.KeyInfo}" == $"{result} {w0} {w1} 0 0 0 0",
                $"{context}: the kernel-key fast path answered {result} {w0} {w1}, the general path {reply.Result} {reply.W0} {reply.W1}");
            SyscallAbi.Write((RegisterAnnex*)entry->Context, &reply);
            return "kernel fast";
        }

        if (FastPath.TryInvoke(entry, arguments))
        {
            Assert.True(Dispatcher.Next != null, $"{context}: the fast path took it but names no receiver");
            return "fast";
        }

        DispatchOutcome outcome = Dispatcher.Dispatch(entry, arguments, &reply);
        Assert.True(outcome <= DispatchOutcome.Switched, $"{context}: outcome {outcome}");
        if (outcome == DispatchOutcome.Reply)
        {
            Assert.True(reply.Result <= InvocationResult.ObjectUnavailable, $"{context}: result {reply.Result}");
            SyscallAbi.Write((RegisterAnnex*)entry->Context, &reply);
            return reply.Result.ToString();
        }

        return outcome.ToString();
    }

    /// <summary>A fault of a runnable process, as the trap path reports it.</summary>
    private void Fault(int process, Random random)
    {
        ProcessEntry* entry = _ipc.Entry(process);
        if (random.Next(2) == 0)
        {
            UserFaults.OnPageFault(entry, InvocationFuzz.Address(random), random.Next(2) == 0);
        }
        else
        {
            UserFaults.OnException(entry, (ulong)random.Next(32), "#FZ");
        }
    }

    /// <summary>A runnable process to invoke; when none is left (all wait, stall or are parked), every one is made to run again.</summary>
    private int PickRunnable(Random random)
    {
        var runnable = new List<int>();
        for (int i = 0; i < 4; i++)
        {
            ProcessEntry* entry = ProcessTable.Find(_ipc.Processes.Root(i));
            if (entry != null && entry->Runnable)
            {
                runnable.Add(i);
            }
        }

        if (runnable.Count == 0 || random.Next(200) == 0)
        {
            Revive();
            return random.Next(4);
        }

        return runnable[random.Next(runnable.Count)];
    }

    /// <summary>The test's hand of god (what the ring-3 warden does through process keys): every process runs again.</summary>
    private void Revive()
    {
        for (int i = 0; i < 4; i++)
        {
            ProcessEntry* entry = _ipc.Entry(i);
            Stall.WakeAllSenders(entry);
        }

        foreach (StallReason reason in new[] { StallReason.Checkpoint, StallReason.ImageWrite, StallReason.LogSpace })
        {
            Stall.Wake(reason);
        }

        Cache.CompleteReads(); // reads in flight complete and wake their queues
        for (int i = 0; i < 4; i++)
        {
            Stall.Remove(_ipc.Entry(i)); // and nothing else stays queued (a sleeper, a read still held)
        }

        for (int i = 0; i < 4; i++)
        {
            ProcessEntry* entry = _ipc.Entry(i);
            Assert.True(Cache.MarkDirty(entry->RootFrame));
            if (entry->State == RunState.Waiting)
            {
                Cache.BumpCallCount(entry->RootFrame); // as the process key's MakeRunning: resume keys die (Gates I2)
            }

            ProcessTable.ClearFault(entry);
            ProcessTable.SetState(entry, RunState.Running);
        }
    }

    private static void CheckTheKernel(ulong seed, int index)
    {
        Assert.True(Cache.CheckRings() == 0, $"seed {seed} after case {index}: key rings broken");
        Assert.True(Cache.CheckBitmaps() == 0, $"seed {seed} after case {index}: frame bitmaps broken");
        Assert.True(ProcessTable.WriteBackAll(), $"seed {seed} after case {index}: the process table could not be written back"); // as the snapshot does before C6
        Oid process = ProcessTable.Check();
        Assert.True(process.IsNull, $"seed {seed} after case {index}: process 0x{process.Value:x} disagrees with its nodes");
        CheckFailure failure = ConsistencyCheck.RunStructural();
        Assert.True(failure == CheckFailure.None, $"seed {seed} after case {index}: consistency check {ConsistencyCheck.Name(failure)} on 0x{ConsistencyCheck.FailedOid.Value:x}");
    }

    private static void Count(Dictionary<string, int> seen, string what) =>
        seen[what] = seen.TryGetValue(what, out int n) ? n + 1 : 1;
}
