using CapOS.Kernel.Invocation;
using CapOS.Runtime;

namespace CapOS.Constructor;

/// <summary>A metaconstructor, builder or requestor key in a key register: typed wrappers over <see cref="ConstructorProtocol"/>. Clients link this file with the protocol.</summary>
public readonly unsafe struct ConstructorKeyRef(byte register)
{
    /// <summary>The key register holding the key.</summary>
    public byte Register { get; } = register;

    /// <summary>Metaconstructor: a new constructor's builder key into <paramref name="into"/>, its record in a node from the bank in <paramref name="bank"/>.</summary>
    public InvocationResult NewConstructor(byte bank, byte into) => Call(ConstructorProtocol.NewConstructor, 0, 0, bank, into, out _);

    public InvocationResult InsertAddressSpace(byte segment) => Call(ConstructorProtocol.InsertAddressSpace, 0, 0, segment, 0, out _);

    public InvocationResult SetEntry(ulong pc, ulong sp) => Call(ConstructorProtocol.SetEntry, pc, sp, 0, 0, out _);

    public InvocationResult InsertKeeper(byte keeper) => Call(ConstructorProtocol.InsertKeeper, 0, 0, keeper, 0, out _);

    public InvocationResult InsertKey(ulong register, byte key) => Call(ConstructorProtocol.InsertKey, register, 0, key, 0, out _);

    /// <summary>Seals it; the requestor key into <paramref name="into"/>.</summary>
    public InvocationResult Seal(byte into) => Call(ConstructorProtocol.Seal, 0, 0, 0, into, out _);

    /// <summary>Whether every constituent is discreet; if not, the first that is not (register, 32 space, 33 keeper).</summary>
    public InvocationResult IsDiscreet(out bool discreet, out ulong first)
    {
        InvocationResult result = Call(ConstructorProtocol.IsDiscreet, 0, 0, 0, 0, out InvocationResponse reply);
        discreet = reply.W0 == 1;
        first = reply.W1;
        return result;
    }

    /// <summary>A new instance from the bank in <paramref name="bank"/>; its start key into <paramref name="into"/>.</summary>
    public InvocationResult Request(byte bank, byte sched, byte into) =>
        Call(ConstructorProtocol.Request, 0, 0, bank | ((ulong)sched << 8), into, out _);

    private InvocationResult Call(uint order, ulong w0, ulong w1, ulong send, ulong receive, out InvocationResponse reply) =>
        KeyCall.Call(Register, order, w0, w1, 0, send, receive, out reply);
}
