using System.Runtime.InteropServices;
using CapOS.Constructor;
using CapOS.Kernel.Invocation;
using CapOS.Pipe;
using CapOS.Runtime;
using CapOS.SpaceBank;

namespace CapOS.ServicesWorkload;

/// <summary>
/// The plug campaign's services workload (docs/plug.md "The services workload"; system/services.sys). One program,
/// three roles, chosen by what the key in register <see cref="ServiceKey"/> answers to KT: a bank key makes a
/// <see cref="BankWorker"/>, the pipe's writer facet a <see cref="PipeWriter"/>, its reader facet a
/// <see cref="PipeReader"/>, the metaconstructor a <see cref="CtorWorker"/>. Each runs numbered steps for ever and prints <c>workload: step=S digest=D</c> after
/// each (the user workload's line: the judge's U1-U5 hold it to resuming at the step its checkpoint held), D a
/// function of (identity, S) only; a broken check prints <c>services: FAIL &lt;what&gt; ...</c> and exits.
/// The identity is the 4 GiB slot below the stack top (services.sys gives each process its own `stack-top`).
/// </summary>
internal static unsafe class Program
{
    /// <summary>The bank key (prime bank) or a pipe facet.</summary>
    public const byte ServiceKey = 4;

    [UnmanagedCallersOnly(EntryPoint = "UserMain")]
    private static void Main()
    {
        InvocationResponse reply;
        InvocationResult result = Gate.Call(ServiceKey, KeyOrder.AllegedKeyType, 0, &reply);
        if (result == InvocationResult.Ok && reply.W0 == BankProtocol.AllegedType)
        {
            BankWorker.Run(Identity());
        }
        else if (result == InvocationResult.Ok && reply.W0 == PipeProtocol.AllegedType && reply.W1 == PipeProtocol.WriterFacet)
        {
            PipeWriter.Run(Identity());
        }
        else if (result == InvocationResult.Ok && reply.W0 == PipeProtocol.AllegedType && reply.W1 == PipeProtocol.ReaderFacet)
        {
            PipeReader.Run(Identity());
        }
        else if (result == InvocationResult.Ok && reply.W0 == ConstructorProtocol.MetaAllegedType)
        {
            CtorWorker.Run(Identity());
        }
        else
        {
            Fail("key 4 is no bank, no pipe facet and no metaconstructor: KT result=", (ulong)result, reply.W0);
        }
    }

    /// <summary>Prints <c>workload: step=S digest=D</c>.</summary>
    public static void Step(ulong step, ulong digest)
    {
        byte* line = stackalloc byte[Console.MaxLine];
        ulong at = Text.AppendDecimal(line, Text.Append(line, 0, "workload: step="), step);
        Console.WriteLine(line, Text.AppendHex(line, Text.Append(line, at, " digest="), digest));
    }

    /// <summary>Prints <c>services: FAIL &lt;what&gt;&lt;a&gt; (&lt;b&gt;)</c> and ends the process.</summary>
    public static void Fail(string what, ulong a, ulong b)
    {
        byte* line = stackalloc byte[Console.MaxLine];
        ulong at = Text.AppendDecimal(line, Text.Append(line, Text.Append(line, 0, "services: FAIL "), what), a);
        at = Text.Append(line, Text.AppendDecimal(line, Text.Append(line, at, " ("), b), ")");
        Console.WriteLine(line, at);
        Keys.Exit();
    }

    /// <summary>Fails unless <paramref name="got"/> is <paramref name="want"/>.</summary>
    public static void Expect(string what, InvocationResult got, InvocationResult want)
    {
        if (got != want)
        {
            Fail(what, (ulong)got, (ulong)want);
        }
    }

    /// <summary>Fails unless <paramref name="got"/> is <paramref name="want"/>.</summary>
    public static void Expect(string what, ulong got, ulong want)
    {
        if (got != want)
        {
            Fail(what, got, want);
        }
    }

    public static ulong Absorb(ulong h, ulong word) => (((h << 29) | (h >> 35)) ^ word) * 0x9E3779B97F4A7C15;

    /// <summary>SplitMix64 (Steele, Lea, Flood 2014): advances <paramref name="state"/> and returns the next value.</summary>
    public static ulong SplitMix(ref ulong state)
    {
        state += 0x9E3779B97F4A7C15;
        ulong z = state;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EB;
        return z ^ (z >> 31);
    }

    /// <summary>The 4 GiB slot just below the stack top (services.sys: 0x7f11.. for bank1).</summary>
    private static ulong Identity()
    {
        ulong local = 0;
        return ((ulong)&local + 0x10000000) >> 32;
    }
}
