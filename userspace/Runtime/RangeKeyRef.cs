using CapOS.Kernel.Invocation;

namespace CapOS.Runtime;

/// <summary>
/// A range key (or the prime range key, whose offsets are OIDs) in a key register: typed wrappers over
/// <see cref="Keys.Invoke"/> for <see cref="RangeOrder"/> (docs/invocation.md "Range key").
/// </summary>
public readonly unsafe struct RangeKeyRef
{
    public RangeKeyRef(byte register) => Register = register;

    /// <summary>The key register holding the range key.</summary>
    public byte Register { get; }

    /// <summary>A page key to the page at <paramref name="offset"/> into key register <paramref name="into"/>; its AllocCount.</summary>
    public InvocationResult MakePageKey(ulong offset, byte into, out uint allocCount) => Make(RangeOrder.MakePageKey, offset, into, out allocCount);

    /// <summary>A node key to the node at <paramref name="offset"/> into key register <paramref name="into"/>; its AllocCount.</summary>
    public InvocationResult MakeNodeKey(ulong offset, byte into, out uint allocCount) => Make(RangeOrder.MakeNodeKey, offset, into, out allocCount);

    /// <summary>A new incarnation of the object at <paramref name="offset"/>: every old key void, content zero.</summary>
    public InvocationResult Rescind(ulong offset, out uint allocCount)
    {
        InvocationResult result = Call(RangeOrder.Rescind, offset, 0, 0, out InvocationResponse reply);
        allocCount = (uint)reply.W0;
        return result;
    }

    /// <summary>The type (1 page, 2 node) and AllocCount of the object at <paramref name="offset"/>.</summary>
    public InvocationResult Query(ulong offset, out ulong type, out uint allocCount)
    {
        InvocationResult result = Call(RangeOrder.Query, offset, 0, 0, out InvocationResponse reply);
        type = reply.W0;
        allocCount = (uint)reply.W1;
        return result;
    }

    /// <summary>A range key over [offset, offset + count) of this range (prime: of OIDs) into <paramref name="into"/>.</summary>
    public InvocationResult MakeSubRange(ulong offset, ulong count, byte into) =>
        Call(RangeOrder.MakeSubRange, offset, count, into, out _);

    /// <summary>The range's first OID and count.</summary>
    public InvocationResult Describe(out ulong first, out ulong count)
    {
        InvocationResult result = Call(RangeOrder.Describe, 0, 0, 0, out InvocationResponse reply);
        first = reply.W0;
        count = reply.W1;
        return result;
    }

    /// <summary>The offset, type (1 page, 2 node) and AllocCount of the live page or node key in <paramref name="key"/>, when it names an object of this range.</summary>
    public InvocationResult Identify(byte key, out ulong offset, out ulong type)
    {
        InvocationMessage message = default;
        message.KeyRegister = Register;
        message.Order = RangeOrder.Identify;
        message.SendKeys = key;
        InvocationResponse reply;
        InvocationResult result = Keys.Invoke(&message, &reply);
        offset = reply.W0;
        type = reply.W1;
        return result;
    }

    private InvocationResult Make(uint order, ulong offset, byte into, out uint allocCount)
    {
        InvocationResult result = Call(order, offset, 0, into, out InvocationResponse reply);
        allocCount = (uint)reply.W0;
        return result;
    }

    private InvocationResult Call(uint order, ulong w0, ulong w1, byte into, out InvocationResponse reply)
    {
        InvocationMessage message = default;
        message.KeyRegister = Register;
        message.Order = order;
        message.W0 = w0;
        message.W1 = w1;
        message.ReceiveKeys = into;
        InvocationResponse response;
        InvocationResult result = Keys.Invoke(&message, &response);
        reply = response;
        return result;
    }
}
