using System.Runtime.InteropServices;
using CapOS.Kernel.Invocation;
using CapOS.Runtime;
using CapOS.SpaceBank;

namespace CapOS.Hello;

/// <summary>
/// Says hello through the console key, asks for a global checkpoint through the checkpoint key, printing the
/// sequence number the kernel replies ("checkpoint requested seq=N", or "checkpoint request failed result=R"),
/// then checks that the kernel refuses bad invocations with the right result and prints nothing for them: a
/// string at an address its space does not map and one in the kernel half (BadString), an unknown console
/// order (UnknownOrder), a key register beyond 31 (BadKeyRegister) and key register 0 (Void): "invocation
/// checks ok", or "invocation checks FAILED: &lt;which&gt;".
/// </summary>
/// <remarks>
/// Built by a constructor (system/capos.sys; docs/services.md "First boot") it first answers its requester and, having
/// no process key to itself, ends by destroying its bank (register 29) with its objects, itself included: it never runs
/// again. As an imagegen process (system/hello.sys: register 31 void, so the answer finds nobody) it ends as before,
/// with the halt order on its own process key.
/// </remarks>
internal static unsafe class Program
{
    /// <summary>In the user half, far from anything hello's space maps (code at 0x400000, stack below 0x7fffffff0000).</summary>
    private const ulong UnmappedAddress = 0x0000600000000000;

    /// <summary>The first address of the kernel half.</summary>
    private const ulong KernelAddress = 0xffff800000000000;

    [UnmanagedCallersOnly(EntryPoint = "UserMain")]
    private static void Main()
    {
        bool instance = Instance.AnswerCreator() == InvocationResult.Ok;
        Check();
        if (instance)
        {
            InvocationResult result = new BankKeyRef(Instance.BankRegister).DestroyWithObjects();
            byte* line = stackalloc byte[64];
            Console.WriteLine(line, Text.AppendDecimal(line, Text.Append(line, 0, "hello: FAIL my bank refused destroy result="), (ulong)result));
        }
    }

    private static void Check()
    {
        Console.WriteLine("hello from ring 3");
        RequestCheckpoint();
        string? failed = Refused(Keys.ConsoleKey, ConsoleOrder.WriteLine, (byte*)UnmappedAddress, InvocationResult.BadString) ? null : "unmapped string";
        failed ??= Refused(Keys.ConsoleKey, ConsoleOrder.WriteLine, (byte*)KernelAddress, InvocationResult.BadString) ? null : "kernel-half string";
        failed ??= Refused(Keys.ConsoleKey, 99, null, InvocationResult.UnknownOrder) ? null : "unknown order";
        failed ??= Refused(32, ConsoleOrder.WriteLine, null, InvocationResult.BadKeyRegister) ? null : "key register 32";
        failed ??= Refused(0, ConsoleOrder.WriteLine, null, InvocationResult.Void) ? null : "key register 0";
        if (failed is null)
        {
            Console.WriteLine("invocation checks ok");
            return;
        }

        byte* line = stackalloc byte[96];
        Console.WriteLine(line, Text.Append(line, Text.Append(line, 0, "invocation checks FAILED: "), failed));
    }

    private static void RequestCheckpoint()
    {
        InvocationMessage message = default;
        message.KeyRegister = Keys.CheckpointKey;
        message.Order = CheckpointOrder.CheckpointNow;
        InvocationResponse reply;
        InvocationResult result = Keys.Invoke(&message, &reply);
        byte* line = stackalloc byte[64];
        ulong length = result == InvocationResult.Ok
            ? Text.Append(line, 0, "checkpoint requested seq=")
            : Text.Append(line, 0, "checkpoint request failed result=");
        length = Text.AppendDecimal(line, length, result == InvocationResult.Ok ? reply.W0 : (ulong)result);
        Console.WriteLine(line, length);
    }

    /// <summary>True when invoking <paramref name="register"/> with <paramref name="order"/> and a 5-byte string at
    /// <paramref name="text"/> replies <paramref name="expected"/>.</summary>
    private static bool Refused(ulong register, ulong order, byte* text, InvocationResult expected)
    {
        InvocationMessage message = default;
        message.KeyRegister = register;
        message.Order = order;
        message.String = text;
        message.StringLength = text == null ? 0 : 5UL;
        InvocationResponse reply;
        return Keys.Invoke(&message, &reply) == expected;
    }
}
