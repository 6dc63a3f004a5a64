using CapOS.Kernel.Invocation;

namespace CapOS.Runtime;

/// <summary>A page key in a key register (docs/invocation.md "Page key"; orders <see cref="PageOrder"/>).</summary>
public readonly unsafe struct PageKeyRef(byte register)
{
    /// <summary>The key register holding the page key.</summary>
    public byte Register { get; } = register;

    /// <summary>A read-only page key to the page, into <paramref name="into"/>.</summary>
    public InvocationResult MakeReadOnly(byte into) => KeyCall.Call(Register, PageOrder.MakeReadOnly, 0, 0, 0, 0, into, out _);

    /// <summary>Every byte of the page zero.</summary>
    public InvocationResult Zero() => KeyCall.Call(Register, PageOrder.Zero, 0, 0, 0, 0, 0, out _);

    /// <summary>The page gets a copy of the page whose key is in <paramref name="from"/>.</summary>
    public InvocationResult Clone(byte from) => KeyCall.Call(Register, PageOrder.Clone, 0, 0, 0, from, 0, out _);

    /// <summary>Reads <paramref name="length"/> bytes at <paramref name="offset"/> into <paramref name="buffer"/>; <paramref name="read"/> says how many came.</summary>
    public InvocationResult ReadBytes(int offset, byte* buffer, int length, out int read)
    {
        InvocationMessage message = KeyCall.Message(Register, PageOrder.ReadBytes, (ulong)offset, (ulong)length);
        message.ReceiveBuffer = buffer;
        message.ReceiveCapacity = (ulong)length;
        InvocationResult result = KeyCall.Call(message, out InvocationResponse reply);
        read = (int)reply.StringLength;
        return result;
    }

    /// <summary>Writes <paramref name="length"/> bytes from <paramref name="bytes"/> at <paramref name="offset"/>.</summary>
    public InvocationResult WriteBytes(int offset, byte* bytes, int length)
    {
        InvocationMessage message = KeyCall.Message(Register, PageOrder.WriteBytes, (ulong)offset);
        message.String = bytes;
        message.StringLength = (ulong)length;
        return KeyCall.Call(message, out _);
    }
}
