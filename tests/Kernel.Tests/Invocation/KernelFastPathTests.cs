using System.Collections.Generic;
using CapOS.Kernel.Invocation;
using CapOS.Kernel.Invocation.Keys;
using CapOS.Kernel.NodeTree;
using CapOS.Kernel.ObjectCache;
using CapOS.Kernel.Process;
using Xunit;

namespace CapOS.Kernel.Tests.Invocation;

/// <summary>The kernel-key fast path agrees with the general path where it answers (KernelFastPath I2) and changes nothing where it declines (I1).</summary>
public sealed unsafe class KernelFastPathTests
{
    private const int Client = 1, ProcessKey = 2, NumberKeyRegister = 3, StartKey = 4, DiscrimKey = 5, NodeKey = 6, Empty = 7;

    private static readonly int[] Registers = [0, 1, ProcessKey, NumberKeyRegister, StartKey, DiscrimKey, NodeKey, Empty, 31, 32, 255];
    private static readonly InvocationType[] Types = [InvocationType.Call, InvocationType.Send, InvocationType.Return, (InvocationType)3];
    private static readonly uint[] Orders = [KeyOrder.AllegedKeyType, NumberKey.Value, 0, 7];
    private static readonly string[] Extras = ["none", "string", "send key", "receive key"];

    private static IpcRig Rig(bool prepareObjectKeys)
    {
        var ipc = new IpcRig();
        int server = ipc.Add(RunState.Available);
        int client = ipc.Add(RunState.Running, new Dictionary<int, Key>
        {
            [ProcessKey] = Key.Object(KeyType.Process, default, 0, KeyRights.None, 0), // itself
            [NumberKeyRegister] = Key.Number(0x11223344, 0x55667788, 0x99AABBCC),
            [StartKey] = ipc.StartKey(server, 9),
            [DiscrimKey] = Key.Kernel(KeyType.Discrim, 0),
            [NodeKey] = Key.Object(KeyType.Node, ipc.Processes.Root(server), 0, KeyRights.None, 0),
        });
        ipc.Boot();
        if (prepareObjectKeys)
        {
            foreach (int register in new[] { ProcessKey, StartKey, NodeKey })
            {
                Assert.Equal(CacheResult.Ok, Cache.PrepareKey(ipc.Entry(client)->KeyRegister(register), out _));
            }
        }

        return ipc;
    }

    private static InvocationArguments Case(int register, InvocationType type, uint order, string extra)
    {
        InvocationArguments arguments = default;
        arguments.KeyRegister = (byte)register;
        arguments.Type = type;
        arguments.Order = order;
        arguments.W0 = 5;
        arguments.W1 = 6;
        switch (extra)
        {
            case "string": arguments.StringLength = 1; arguments.StringAddress = 0x400000; break;
            case "send key": arguments.SendKeys[0] = 1; break;
            case "receive key": arguments.ReceiveKeys[0] = 8; break;
        }

        return arguments;
    }

    /// <summary>The fast path as the trap path calls it; W0 and W1 start as garbage it must overwrite when it answers and keep when it declines.</summary>
    private static bool Fast(ProcessEntry* invoker, InvocationArguments a, out InvocationResult result, out ulong w0, out ulong w1)
    {
        const ulong Garbage = 0xC0FFEE;
        ulong first = Garbage;
        ulong second = Garbage;
        ulong answer = KernelFastPath.TryAnswer(invoker, a.KeyRegister | ((ulong)a.Type << 8), a.Order, a.StringLength, *(uint*)a.SendKeys,
            *(uint*)a.ReceiveKeys, &first, &second);
        result = (InvocationResult)answer;
        w0 = first;
        w1 = second;
        if (answer == KernelFastPath.Declined)
        {
            Assert.True(first == Garbage && second == Garbage, "declined but wrote W0 or W1 (the general path's arguments)");
            return false;
        }

        return true;
    }

    /// <summary>The invoker's 32 key registers as bytes (a prepared key's memory form included).</summary>
    private static string KeyRegisters(ProcessEntry* invoker)
    {
        var text = new System.Text.StringBuilder();
        for (int i = 1; i < Node.SlotCount; i++)
        {
            byte* key = (byte*)invoker->KeyRegister(i);
            for (int b = 0; b < sizeof(Key); b++)
            {
                text.Append(key[b].ToString("x2"));
            }
        }

        return text.ToString();
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void EveryCaseAgreesWithTheGeneralPath(bool prepareObjectKeys)
    {
        using IpcRig ipc = Rig(prepareObjectKeys);
        ProcessEntry* invoker = ipc.Entry(Client);
        var answered = new List<string>();
        foreach (int register in Registers)
        {
            foreach (InvocationType type in Types)
            {
                foreach (uint order in Orders)
                {
                    foreach (string extra in Extras)
                    {
                        InvocationArguments arguments = Case(register, type, order, extra);
                        string name = $"r{register} {type} {order:x} {extra}";
                        string before = KeyRegisters(invoker);
                        if (!Fast(invoker, arguments, out InvocationResult result, out ulong w0, out ulong w1))
                        {
                            Assert.True(before == KeyRegisters(invoker), $"{name}: declined but changed the key registers (I1)");
                            continue;
                        }

                        answered.Add(name);
                        Assert.True(before == KeyRegisters(invoker), $"{name}: answered but changed the key registers (I1)");
                        Assert.Equal(DispatchOutcome.Reply, ipc.Invoke(Client, arguments, out InvocationReply reply));
                        Assert.Equal($"{name}: {reply.Result} {reply.W0} {reply.W1} {reply.W2} {reply.W3} {reply.StringLength} {reply.KeyInfo}",
                            $"{name}: {result} {w0} {w1} 0 0 0 0");
                    }
                }
            }
        }

        // What it must answer (the benchmarks' null invocation first), and what only once prepared.
        Assert.Contains($"r{NumberKeyRegister} Call {KeyOrder.AllegedKeyType:x} none", answered);
        Assert.Contains($"r{NumberKeyRegister} Send {NumberKey.Value:x} none", answered);
        Assert.Contains($"r0 Call 0 none", answered);
        Assert.Contains($"r{Empty} Call 7 none", answered);
        Assert.Contains($"r{DiscrimKey} Call {KeyOrder.AllegedKeyType:x} none", answered);
        Assert.Equal(prepareObjectKeys, answered.Contains($"r{NodeKey} Call {KeyOrder.AllegedKeyType:x} none"));
        Assert.Equal(prepareObjectKeys, answered.Contains($"r{ProcessKey} Call {KeyOrder.AllegedKeyType:x} none"));
    }

    public static TheoryData<string> Declined => ["gate", "unprepared", "handler order", "return", "bad type", "string", "send key", "receive key", "register 32"];

    [Theory]
    [MemberData(nameof(Declined))]
    public void ItDeclinesWhatTheGeneralPathMustDo(string why)
    {
        using IpcRig ipc = Rig(prepareObjectKeys: why != "unprepared");
        InvocationArguments arguments = why switch
        {
            "gate" => Case(StartKey, InvocationType.Call, KeyOrder.AllegedKeyType, "none"),
            "unprepared" => Case(NodeKey, InvocationType.Call, KeyOrder.AllegedKeyType, "none"),
            "handler order" => Case(DiscrimKey, InvocationType.Call, 0, "none"),
            "return" => Case(NumberKeyRegister, InvocationType.Return, KeyOrder.AllegedKeyType, "none"),
            "bad type" => Case(0, (InvocationType)3, 0, "none"),
            "register 32" => Case(32, InvocationType.Call, KeyOrder.AllegedKeyType, "none"),
            _ => Case(NumberKeyRegister, InvocationType.Call, KeyOrder.AllegedKeyType, why),
        };
        Assert.False(Fast(ipc.Entry(Client), arguments, out _, out _, out _));
    }
}
