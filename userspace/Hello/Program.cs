using System.Runtime.InteropServices;
using CapOS.Kernel.Invocation;
using CapOS.Runtime;

namespace CapOS.Hello;

/// <summary>
/// Says hello through the console key, then checks one echo round trip: the kernel
/// must reply with data derived from the request (ConsoleOrder.Echo) and the string
/// reversed into our buffer. Also checks that key register 0 is void, and asks for a global checkpoint
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
        Console.WriteLine(RoundTrip() && VoidKeyIsVoid() ? "round trip ok" : "round trip FAILED");
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

    private static bool RoundTrip()
    {
        byte* sent = stackalloc byte[5];
        sent[0] = (byte)'c';
        sent[1] = (byte)'a';
        sent[2] = (byte)'p';
        sent[3] = (byte)'o';
        sent[4] = (byte)'s';
        byte* received = stackalloc byte[16];
        InvocationMessage message = default;
        message.KeyRegister = Keys.ConsoleKey;
        message.Order = ConsoleOrder.Echo;
        message.W0 = 1;
        message.W1 = 20;
        message.W2 = 300;
        message.W3 = 4000;
        message.String = sent;
        message.StringLength = 5;
        message.ReceiveBuffer = received;
        message.ReceiveCapacity = 16;
        InvocationResponse reply;
        if (Keys.Invoke(&message, &reply) != InvocationResult.Ok)
        {
            return false;
        }

        bool reversed = reply.StringLength == 5;
        for (int i = 0; reversed && i < 5; i++)
        {
            reversed = received[i] == sent[4 - i];
        }

        return reversed && reply.W0 == 4321 && reply.W1 == 5 && reply.W2 == ~300UL && reply.W3 != 0;
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
