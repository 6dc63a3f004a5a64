using System.Runtime.InteropServices;
using CapOS.CounterServer;
using CapOS.Kernel.Invocation;
using CapOS.Runtime;

namespace CapOS.Counter;

/// <summary>
/// The persistent demo of the shipped system (issue 10 item 6; docs/process.md, docs/invocation.md): a client
/// that calls the counter server's start key once per step and prints <c>demo: count=N</c> with the count the
/// server replies. Both processes live in the store: after the plug is pulled the next boot resumes them from
/// the last committed checkpoint (a call in progress included: the client waits, its resume key in the
/// server's key registers) and the count goes on from there, never back to zero. Between steps it sleeps on the
/// sleep key (persistent time: a sleep cut by a crash ends on time after the restart). Built by init through a
/// constructor (docs/services.md "First boot"), it first answers that request (<see cref="Instance.AnswerCreator"/>).
/// </summary>
internal static unsafe class Program
{
    /// <summary>Key register holding the counter server's start key.</summary>
    private const byte CounterKey = 4;

    /// <summary>Key register holding the sleep key.</summary>
    private const byte SleepKey = 5;

    /// <summary>Persistent milliseconds between steps.</summary>
    private const ulong StepMilliseconds = 500;

    [UnmanagedCallersOnly(EntryPoint = "UserMain")]
    private static void Main()
    {
        Instance.AnswerCreator();
        byte* line = stackalloc byte[64];
        InvocationResponse reply;
        for (;;)
        {
            InvocationResult result = Gate.Call(CounterKey, CounterProtocol.Increment, 0, &reply);
            ulong length = result == InvocationResult.Ok
                ? Text.AppendDecimal(line, Text.Append(line, 0, "demo: count="), reply.W0)
                : Text.AppendDecimal(line, Text.Append(line, 0, "demo: the counter answered "), (ulong)result);
            Console.WriteLine(line, length);
            new SleepKeyRef(SleepKey).Sleep(StepMilliseconds, out _);
        }
    }
}
