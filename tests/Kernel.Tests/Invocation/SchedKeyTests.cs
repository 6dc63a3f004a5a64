using System.Collections.Generic;
using CapOS.Kernel.Invocation;
using CapOS.Kernel.NodeTree;
using CapOS.Kernel.Process;
using CapOS.Kernel.Tests.Process;
using Xunit;
using static CapOS.Kernel.Tests.Invocation.KeyInvoker;

namespace CapOS.Kernel.Tests.Invocation;

/// <summary>The sched key (SchedKey; docs/invocation.md "Sched key"): KT and its priority.</summary>
public sealed unsafe class SchedKeyTests
{
    [Theory]
    [InlineData(0)]
    [InlineData(8)]
    [InlineData(ushort.MaxValue)]
    public void AnswersItsTypeAndItsPriority(ushort priority)
    {
        var processes = new StoredProcesses().Add(RunState.Running, new Dictionary<int, Key> { [1] = Key.Kernel(KeyType.Sched, priority) });
        using var rig = processes.Boot();

        Call(processes.Entry(0), 1, KeyOrder.AllegedKeyType, out InvocationReply reply);
        Assert.Equal((ulong)KeyType.Sched, reply.W0);
        Call(processes.Entry(0), 1, SchedOrder.Priority, out reply);
        Assert.Equal(InvocationResult.Ok, reply.Result);
        Assert.Equal(priority, reply.W0);
        Call(processes.Entry(0), 1, 99, out reply);
        Assert.Equal(InvocationResult.UnknownOrder, reply.Result);
    }
}
