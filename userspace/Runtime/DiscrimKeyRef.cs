using CapOS.Kernel.Invocation;

namespace CapOS.Runtime;

/// <summary>A discrim key in a key register (docs/invocation.md "Discrim key"; orders <see cref="DiscrimOrder"/>).</summary>
public readonly unsafe struct DiscrimKeyRef(byte register)
{
    /// <summary>The key register holding the discrim key.</summary>
    public byte Register { get; } = register;

    /// <summary>The class (<see cref="DiscrimClass"/>) of the key in <paramref name="key"/>.</summary>
    public InvocationResult Classify(byte key, out ulong kind) => Ask(DiscrimOrder.Classify, key, out kind);

    /// <summary>Whether the key in <paramref name="key"/> is discreet (can pass no information out).</summary>
    public InvocationResult IsDiscreet(byte key, out bool discreet)
    {
        InvocationResult result = Ask(DiscrimOrder.IsDiscreet, key, out ulong answer);
        discreet = answer == 1;
        return result;
    }

    /// <summary>Whether the keys in <paramref name="first"/> and <paramref name="second"/> are the same key.</summary>
    public InvocationResult Compare(byte first, byte second, out bool same)
    {
        InvocationResult result = Ask(DiscrimOrder.Compare, (ulong)first | ((ulong)second << 8), out ulong answer);
        same = answer == 1;
        return result;
    }

    private InvocationResult Ask(uint order, ulong send, out ulong answer)
    {
        InvocationResult result = KeyCall.Call(Register, order, 0, 0, 0, send, 0, out InvocationResponse reply);
        answer = reply.W0;
        return result;
    }
}
