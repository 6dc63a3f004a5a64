using CapOS.Kernel.Invocation;

namespace CapOS.Runtime;

/// <summary>Lines on the console key (the kernel prefixes "user[&lt;pid&gt;]: ").</summary>
public static unsafe class Console
{
    public const int MaxLine = 256;

    public static InvocationResult WriteLine(string text)
    {
        int length = text.Length < MaxLine ? text.Length : MaxLine;
        byte* bytes = stackalloc byte[MaxLine];
        for (int i = 0; i < length; i++)
        {
            char c = text[i];
            bytes[i] = c < 0x80 ? (byte)c : (byte)'?';
        }

        return WriteLine(bytes, (ulong)length);
    }

    public static InvocationResult WriteLine(byte* text, ulong length)
    {
        InvocationMessage message = default;
        message.KeyRegister = Keys.ConsoleKey;
        message.Order = ConsoleOrder.WriteLine;
        message.String = text;
        message.StringLength = length;
        InvocationResponse reply;
        return Keys.Invoke(&message, &reply);
    }
}
