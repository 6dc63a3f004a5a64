using CapOS.Constructor;
using CapOS.Kernel.Invocation;
using CapOS.Runtime;
using CapOS.SpaceBank;

namespace CapOS.CtorTest;

/// <summary>
/// Instances (docs/services.md "Constructor"): one answers the Request itself with its start key, voided its start-up
/// registers, holds its constituents and serves calls; destroying its bank with objects ends it (its start key reads
/// void); a request the bank cannot pay for the space of keeps nothing. Then a last instance serves for ever: the kill
/// test checks it outlives a kill of QEMU.
/// </summary>
internal static unsafe partial class Program
{
    private const byte InstanceBank = 27;
    private const uint Increment = 1;   // CtorInstance's orders
    private const uint StartUp = 2;
    private const uint Count = 3;

    private static void Instances()
    {
        var requestor = new ConstructorKeyRef(Requestor);
        new BankKeyRef(Limited).SetLimits(BankProtocol.NoLimit, 2);
        Expect("request with no node for the space", requestor.Request(Limited, Sched, InstanceKey), InvocationResult.NoMoreNodes);
        Counts("a request with no node for the space kept nothing", Limited, 0, 0);
        new BankKeyRef(Limited).SetLimits(BankProtocol.NoLimit, BankProtocol.NoLimit);

        new BankKeyRef(Child).CreateChild(InstanceBank);
        Expect("request", requestor.Request(InstanceBank, Sched, InstanceKey), InvocationResult.Ok);
        Expect("the instance serves", CallWord(InstanceKey, Increment, 41, out ulong w1), 42);
        Expect("the instance's start-up registers", CallWord(InstanceKey, StartUp, 0, out w1), 1);
        Expect("the instance's constituent", w1, 42);
        Expect("the instance counts", CallWord(InstanceKey, Count, 0, out _), 1);
        Expect("the instance counts again", CallWord(InstanceKey, Count, 0, out _), 2);
        NewSealed(Other, OtherRequestor, Number, InstanceKey);
        Discreet("a start key to an instance", new ConstructorKeyRef(Other), false, 2);
        Expect("destroy the instance's bank", new BankKeyRef(InstanceBank).DestroyWithObjects(), InvocationResult.Ok);
        Expect("a destroyed instance's start key reads void", Gate.AllegedType(InstanceKey, out _), InvocationResult.Void);
        Console.WriteLine("ctor: instance ok");

        new BankKeyRef(Child).CreateChild(InstanceBank);
        Expect("request the lasting instance", requestor.Request(InstanceBank, Sched, InstanceKey), InvocationResult.Ok);
        byte* line = stackalloc byte[64];
        for (;;)
        {
            ulong n = CallWord(InstanceKey, Count, 0, out _);
            if (n == 0 || n % 100 == 0)
            {
                ulong length = Text.AppendDecimal(line, Text.Append(line, 0, "ctor: tick n="), n);
                Console.WriteLine(line, length);
            }

            if (n == 0)
            {
                Keys.Exit();
            }

            new SleepKeyRef(Sleep).Sleep(10, out _);
        }
    }

    private const byte Sleep = 3;

    private static ulong CallWord(byte register, uint order, ulong w0, out ulong w1)
    {
        InvocationResponse reply;
        InvocationResult result = Gate.Call(register, order, w0, &reply);
        w1 = reply.W1;
        return result == InvocationResult.Ok ? reply.W0 : 0;
    }
}
