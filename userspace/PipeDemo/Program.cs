using System.Runtime;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using CapOS.Kernel.Invocation;
using CapOS.Pipe;
using CapOS.Runtime;

namespace CapOS.PipeDemo;

/// <summary>
/// The pipe's test client (system/pipe.sys; docs/services.md "Pipe"). It asks the pipe key in register
/// <see cref="PipeKey"/> what it is (KT: the pipe's type and the facet) and plays that end: <see cref="Writer"/>
/// pushes <see cref="Stream"/> through the pipe, <see cref="Reader"/> checks it and prints
/// <c>pipe: ok bytes=N sum=S ...</c>, or a line with FAILED.
/// </summary>
internal static unsafe class Program
{
    /// <summary>Key register holding the pipe's writer or reader start key.</summary>
    public const byte PipeKey = 4;

    [UnmanagedCallersOnly(EntryPoint = "UserMain")]
    private static void Main()
    {
        InvocationResponse reply;
        InvocationResult result = Gate.Call(PipeKey, KeyOrder.AllegedKeyType, 0, &reply);
        if (result != InvocationResult.Ok || reply.W0 != PipeProtocol.AllegedType)
        {
            Fail("KT answered result=", (ulong)result, reply.W0);
        }
        else if (reply.W1 == PipeProtocol.WriterFacet)
        {
            Writer.Run();
        }
        else if (reply.W1 == PipeProtocol.ReaderFacet)
        {
            Reader.Run();
        }
        else
        {
            Fail("KT answered no facet: ", reply.W1, 0);
        }
    }

    /// <summary>The transfer buffer (Buffer.X64.asm): <see cref="PipeProtocol.MaxTransfer"/> bytes.</summary>
    [MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("*", "demo_buffer")]
    public static extern byte* Buffer();

    /// <summary>Invokes the pipe key with <paramref name="order"/>, W0 and a string; the reply string goes to <see cref="Buffer"/>.</summary>
    public static InvocationResult Invoke(uint order, ulong w0, byte* text, ulong length, InvocationResponse* reply)
    {
        InvocationMessage message = default;
        message.KeyRegister = PipeKey;
        message.Order = order;
        message.W0 = w0;
        message.String = text;
        message.StringLength = length;
        message.ReceiveBuffer = Buffer();
        message.ReceiveCapacity = PipeProtocol.MaxTransfer;
        return Keys.Invoke(&message, reply);
    }

    /// <summary>True when <paramref name="order"/> (W0 = <paramref name="w0"/>) is answered <paramref name="expected"/>; else prints why.</summary>
    public static bool Expect(string what, uint order, ulong w0, InvocationResult expected)
    {
        InvocationResponse reply;
        InvocationResult result = Invoke(order, w0, null, 0, &reply);
        if (result != expected)
        {
            Fail(what, (ulong)result, (ulong)expected);
        }

        return result == expected;
    }

    /// <summary>Prints <c>pipe: FAILED &lt;what&gt;&lt;a&gt; (&lt;b&gt;)</c>.</summary>
    public static void Fail(string what, ulong a, ulong b)
    {
        byte* line = stackalloc byte[Console.MaxLine];
        ulong at = Text.AppendDecimal(line, Text.Append(line, Text.Append(line, 0, "pipe: FAILED "), what), a);
        at = Text.Append(line, Text.AppendDecimal(line, Text.Append(line, at, " ("), b), ")");
        Console.WriteLine(line, at);
    }

    /// <summary>Appends <c> name=value</c>.</summary>
    public static ulong Field(byte* line, ulong at, string name, ulong value) =>
        Text.AppendDecimal(line, Text.Append(line, Text.Append(line, Text.Append(line, at, " "), name), "="), value);

    /// <summary>Spins for <paramref name="iterations"/> (the slow side of a phase).</summary>
    public static void Pause(ulong iterations)
    {
        for (ulong i = 0; i < iterations; i++)
        {
            s_spin += i;
        }
    }

    /// <summary>Written by every pause so the compiler keeps the loop.</summary>
    private static ulong s_spin;
}
