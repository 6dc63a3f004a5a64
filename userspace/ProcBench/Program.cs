using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using CapOS.Constructor;
using CapOS.Kernel.Invocation;
using CapOS.Runtime;
using CapOS.SpaceBank;

namespace CapOS.ProcBench;

/// <summary>
/// Process creation by constructor (EROS SOSP'99 §6: 0.664 ms, against Linux fork + exec 1.916 ms; system/procbench.sys).
/// It builds one constructor of the `exiter` template (ProcExit), then <see cref="Iterations"/> times: a fresh child
/// bank, Request (timed: from the Request to the arrival of the instance's start key, which the instance returns
/// itself once it runs), then a SEND that tells the instance to print its line and destroy itself with its bank, and
/// a wait until it is gone. Prints
/// <c>lmbench: row=proc-create n=N min-ticks=A median-ticks=B</c> and <c>lmbench: done</c>.
/// </summary>
/// <remarks>
/// What a measured creation includes: the constructor verifying the bank; the process creator verifying it again,
/// buying the root, key registers node and annex and laying the root out; the virtual copy keeper buying the red node
/// of the copy; the constituents, bank, start and resume keys put in the key registers; the registers set; the
/// instance scheduled, its first faults served by the keeper (the code page read through the template, the data and
/// stack pages it touches copied or zero-filled from the child bank) up to its return. Not included: its console line
/// and its destruction (DestroyWithObjects), which come after the clock stopped.
/// </remarks>
internal static unsafe class Program
{
    private const byte Prime = 4;
    private const byte Meta = 5;
    private const byte Template = 7;
    private const byte Entry = 8;
    private const byte Sched = 9;
    private const byte Builder = 10;
    private const byte Requestor = 11;
    private const byte ChildBank = 12;
    private const byte InstanceKey = 13;
    private const ulong Iterations = 100; // EROS: 100 requests of "hello"

    [UnmanagedCallersOnly(EntryPoint = "UserMain")]
    private static void Main()
    {
        if (!BuildConstructor())
        {
            return;
        }

        ulong* samples = stackalloc ulong[(int)Iterations];
        var requestor = new ConstructorKeyRef(Requestor);
        var prime = new BankKeyRef(Prime);
        for (ulong i = 0; i < Iterations; i++)
        {
            if (prime.CreateChild(ChildBank) != InvocationResult.Ok)
            {
                Fail("child bank", i);
                return;
            }

            ulong start = Tsc.Read();
            InvocationResult result = requestor.Request(ChildBank, Sched, InstanceKey);
            samples[i] = Tsc.Read() - start;
            if (result != InvocationResult.Ok)
            {
                Fail("request", (ulong)result);
                return;
            }

            Go();
            WaitUntilGone();
        }

        prime.GetLimits(out _, out _, out ulong pages, out ulong nodes);
        if (pages != 0 || nodes != 1)
        {
            Fail("objects left in the prime bank", (pages << 32) | nodes); // the constructor's own node only
            return;
        }

        Samples.Sort(samples, Iterations);
        byte* line = stackalloc byte[160];
        ulong length = Text.Append(line, 0, "lmbench: row=proc-create n=");
        length = Text.AppendDecimal(line, length, Iterations);
        length = Text.AppendDecimal(line, Text.Append(line, length, " min-ticks="), samples[0]);
        length = Text.AppendDecimal(line, Text.Append(line, length, " median-ticks="), samples[Iterations / 2]);
        Console.WriteLine(line, length);
        Console.WriteLine("lmbench: done");
    }

    /// <summary>A SEND to the instance: it prints its line and destroys itself (no resume key: it answers nobody).</summary>
    private static void Go()
    {
        InvocationMessage message = default;
        message.KeyRegister = Keys.Register(InstanceKey, InvocationType.Send);
        message.Order = 1;
        InvocationResponse reply;
        Keys.Invoke(&message, &reply);
    }

    /// <summary>A call of the instance's start key waits until the instance is gone (the kernel wakes it when its root is rescinded), then reads void.</summary>
    private static void WaitUntilGone()
    {
        InvocationResponse reply;
        while (Gate.Call(InstanceKey, KeyOrder.AllegedKeyType, 0, &reply) != InvocationResult.Void)
        {
        }
    }

    private static bool BuildConstructor()
    {
        KeyCall.Call(Entry, 1, 0, 0, 0, 0, 0, out InvocationResponse entry); // NumberKey.Value: PC | SP << 48, SP >> 16
        var builder = new ConstructorKeyRef(Builder);
        InvocationResult result = new ConstructorKeyRef(Meta).NewConstructor(Prime, Builder);
        result = result == InvocationResult.Ok ? builder.InsertAddressSpace(Template) : result;
        result = result == InvocationResult.Ok ? builder.SetEntry(entry.W0 & ((1UL << 48) - 1), (entry.W0 >> 48) | (entry.W1 << 16)) : result;
        result = result == InvocationResult.Ok ? builder.InsertKey(1, Keys.ConsoleKey) : result;
        result = result == InvocationResult.Ok ? builder.Seal(Requestor) : result;
        if (result != InvocationResult.Ok)
        {
            Fail("constructor", (ulong)result);
        }

        return result == InvocationResult.Ok;
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void Fail(string what, ulong value)
    {
        byte* line = stackalloc byte[96];
        ulong length = Text.Append(line, 0, "procbench: FAIL ");
        length = Text.Append(line, length, what);
        length = Text.AppendDecimal(line, Text.Append(line, length, " got="), value);
        Console.WriteLine(line, length);
    }
}
