using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using CapOS.Constructor;
using CapOS.Kernel.Invocation;
using CapOS.Runtime;
using CapOS.SpaceBank;

namespace CapOS.Init;

/// <summary>
/// The shipped system's first-boot process (system/capos.sys; docs/services.md "First boot"). For each demo program,
/// counter-server first: a child bank of the prime bank, a constructor of the program's template from the
/// metaconstructor paid for by that bank, the constituent keys the program needs, Seal, and one instance requested from
/// the same bank. Prints <c>init: made NAME</c> for each, <c>init: done</c>, and halts itself (the runtime's exit, through
/// its own process key in register 2). From then on the instances live in the store like any process; init is never on
/// the restart list again.
/// </summary>
/// <remarks>
/// A failed step prints <c>init: FAIL NAME STEP result=R</c>, destroys that program's child bank with its objects (so
/// a half-built constructor or instance is gone and nothing leaks) and stops: the later programs are not made.
/// </remarks>
internal static unsafe class Program
{
    private const byte Checkpoint = Keys.CheckpointKey; // 3
    private const byte Prime = 4;
    private const byte Meta = 5;
    private const byte Sleep = 6;
    private const byte Sched = 7;
    private const byte ServerTemplate = 8;   // entry in 9
    private const byte CounterTemplate = 10; // entry in 11
    private const byte HelloTemplate = 12;   // entry in 13
    private const byte FaultTemplate = 14;   // entry in 15
    private const byte Builder = 16;
    private const byte Requestor = 17;
    private const byte ChildBank = 18;
    private const byte InstanceKey = 19;
    private const byte ServerStart = 20;     // the counter server's start key: the counter's constituent 4

    [UnmanagedCallersOnly(EntryPoint = "UserMain")]
    private static void Main()
    {
        bool ok = Make("counter-server", ServerTemplate, Pair(1, Keys.ConsoleKey), ServerStart)
            && Make("counter", CounterTemplate, Pair(1, Keys.ConsoleKey) | Pair(4, ServerStart) << 16 | Pair(5, Sleep) << 32, InstanceKey)
            && Make("hello", HelloTemplate, Pair(1, Keys.ConsoleKey) | Pair(3, Checkpoint) << 16, InstanceKey)
            && Make("fault", FaultTemplate, Pair(1, Keys.ConsoleKey), InstanceKey);
        if (ok)
        {
            Console.WriteLine("init: done");
        }
    }

    /// <summary>A constituent: instance register <paramref name="to"/> gets init's register <paramref name="from"/>.</summary>
    private static ulong Pair(byte to, byte from) => ((ulong)from << 8) | to;

    /// <summary>
    /// A child bank, a sealed constructor of <paramref name="template"/> (its entry in the next register) holding the
    /// constituents (up to four (to, from) register pairs, 16 bits each, low first; 0 ends), and one instance whose
    /// start key lands in <paramref name="into"/>. False, with the child bank destroyed, when a step fails.
    /// </summary>
    private static bool Make(string name, byte template, ulong constituents, byte into)
    {
        var prime = new BankKeyRef(Prime);
        InvocationResult result = prime.CreateChild(ChildBank);
        if (result != InvocationResult.Ok)
        {
            return Fail(name, "child bank", result, destroy: false);
        }

        KeyCall.Call((byte)(template + 1), 1, 0, 0, 0, 0, 0, out InvocationResponse entry); // NumberKey.Value: PC | SP << 48, SP >> 16
        var builder = new ConstructorKeyRef(Builder);
        result = new ConstructorKeyRef(Meta).NewConstructor(ChildBank, Builder);
        if (result != InvocationResult.Ok)
        {
            return Fail(name, "new constructor", result, destroy: true);
        }

        result = builder.InsertAddressSpace(template);
        result = result == InvocationResult.Ok ? builder.SetEntry(entry.W0 & ((1UL << 48) - 1), (entry.W0 >> 48) | (entry.W1 << 16)) : result;
        for (ulong rest = constituents; result == InvocationResult.Ok && rest != 0; rest >>= 16)
        {
            result = builder.InsertKey(rest & 0xFF, (byte)((rest >> 8) & 0xFF));
        }

        result = result == InvocationResult.Ok ? builder.Seal(Requestor) : result;
        if (result != InvocationResult.Ok)
        {
            return Fail(name, "constructor", result, destroy: true);
        }

        result = new ConstructorKeyRef(Requestor).Request(ChildBank, Sched, into);
        if (result != InvocationResult.Ok)
        {
            return Fail(name, "request", result, destroy: true);
        }

        byte* line = stackalloc byte[64];
        Console.WriteLine(line, Text.Append(line, Text.Append(line, 0, "init: made "), name));
        return true;
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static bool Fail(string name, string step, InvocationResult result, bool destroy)
    {
        if (destroy)
        {
            new BankKeyRef(ChildBank).DestroyWithObjects();
        }

        byte* line = stackalloc byte[128];
        ulong length = Text.Append(line, Text.Append(line, 0, "init: FAIL "), name);
        length = Text.Append(line, Text.Append(line, length, " "), step);
        length = Text.AppendDecimal(line, Text.Append(line, length, " result="), (ulong)result);
        Console.WriteLine(line, length);
        return false;
    }
}
