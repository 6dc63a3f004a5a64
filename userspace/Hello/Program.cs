using System.Runtime.InteropServices;
using CapOS.Kernel.Invocation;
using CapOS.Runtime;

namespace CapOS.Hello;

/// <summary>
/// Says hello through the console key, then checks that the console key answers KT with its type and refuses
/// an unknown order, and that key register 0 is void ("round trip ok"). Also asks for a global checkpoint
/// through the checkpoint key, printing the sequence number the kernel replies
/// ("checkpoint requested seq=N", or "checkpoint request failed result=R").
/// </summary>
internal static unsafe class Program
{
    [UnmanagedCallersOnly(EntryPoint = "UserMain")]
    private static void Main()
    {
        Console.WriteLine("hello from ring 3");
        RequestCheckpoint();
        Console.WriteLine(KeyTypeAnswers() && VoidKeyIsVoid() ? "round trip ok" : "round trip FAILED");
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

    /// <summary>KT on the console key answers Ok with the console's key type (64), and an unknown order is refused.</summary>
    private static bool KeyTypeAnswers()
    {
        InvocationMessage message = default;
        message.KeyRegister = Keys.ConsoleKey;
        message.Order = KeyOrder.AllegedKeyType;
        InvocationResponse reply;
        if (Keys.Invoke(&message, &reply) != InvocationResult.Ok || reply.W0 != 64)
        {
            return false;
        }

        message.Order = 0x1234;
        return Keys.Invoke(&message, &reply) == InvocationResult.UnknownOrder;
    }

    private static bool VoidKeyIsVoid()
    {
        InvocationMessage message = default;
        message.KeyRegister = 0;
        message.Order = ConsoleOrder.WriteLine;
        InvocationResponse reply;
        return Keys.Invoke(&message, &reply) == InvocationResult.Void;
    }
}
