using CapOS.Kernel.Invocation;

namespace CapOS.Runtime;

/// <summary>A keybits key in a key register (docs/invocation.md "KeyBits key"; order <see cref="KeyBitsOrder.Translate"/>).</summary>
public readonly unsafe struct KeyBitsKeyRef(byte register)
{
    /// <summary>The key register holding the keybits key.</summary>
    public byte Register { get; } = register;

    /// <summary>
    /// The disk form of the key in <paramref name="key"/>: <paramref name="bits"/> = type | rights &lt;&lt; 8 | key data &lt;&lt; 16,
    /// <paramref name="payload"/> = payload bytes 0..7 (an OID, number words 0-1), <paramref name="count"/> = bytes 8..11 (AllocCount, number word 2).
    /// </summary>
    public InvocationResult Translate(byte key, out ulong bits, out ulong payload, out uint count)
    {
        InvocationResult result = KeyCall.Call(Register, KeyBitsOrder.Translate, 0, 0, 0, key, 0, out InvocationResponse reply);
        bits = reply.W0;
        payload = reply.W1;
        count = (uint)reply.W2;
        return result;
    }
}
