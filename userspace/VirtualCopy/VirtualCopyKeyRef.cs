using CapOS.Kernel.Invocation;
using CapOS.Runtime;

namespace CapOS.VirtualCopy;

/// <summary>The virtual copy keeper's maker facet in a key register (<see cref="VirtualCopyProtocol"/>), for clients.</summary>
public readonly unsafe struct VirtualCopyKeyRef(byte register)
{
    public byte Register { get; } = register;

    /// <summary>A demand-zero segment (red node of <paramref name="height"/>, 0: the whole user half) bought from the bank in <paramref name="bank"/>, into <paramref name="into"/>.</summary>
    public InvocationResult CreateDemandZero(byte bank, byte into, int height = 0) =>
        KeyCall.Call(Register, VirtualCopyProtocol.CreateDemandZero, (ulong)height, 0, 0, bank, into, out _);

    /// <summary>Maps the segment in <paramref name="segment"/> at <paramref name="offset"/> of the space in <paramref name="space"/>.</summary>
    public InvocationResult Map(byte space, byte segment, ulong offset) =>
        KeyCall.Call(Register, VirtualCopyProtocol.Map, offset, 0, 0, space | ((ulong)segment << 8), 0, out _);

    /// <summary>Unmaps the segment in <paramref name="segment"/> from <paramref name="offset"/> of the space in <paramref name="space"/>.</summary>
    public InvocationResult Unmap(byte space, byte segment, ulong offset) =>
        KeyCall.Call(Register, VirtualCopyProtocol.Unmap, offset, 0, 0, space | ((ulong)segment << 8), 0, out _);

    /// <summary>A virtual copy of the segment in <paramref name="template"/>, from the bank in <paramref name="bank"/>, into <paramref name="into"/>.</summary>
    public InvocationResult CreateCopy(byte bank, byte template, byte into) =>
        KeyCall.Call(Register, VirtualCopyProtocol.CreateCopy, 0, 0, 0, bank | ((ulong)template << 8), into, out _);

    /// <summary>Freezes the segment in <paramref name="segment"/>: the template it is now, into <paramref name="into"/>.</summary>
    public InvocationResult Freeze(byte segment, byte into) =>
        KeyCall.Call(Register, VirtualCopyProtocol.Freeze, 0, 0, 0, segment, into, out _);

    /// <summary>Destroys the segment in <paramref name="segment"/>: what it bought goes back to its bank.</summary>
    public InvocationResult Destroy(byte segment) => KeyCall.Call(Register, VirtualCopyProtocol.Destroy, 0, 0, 0, segment, 0, out _);

    /// <summary>Faults served, the invocations they took, the most in one fault, faults not served.</summary>
    public InvocationResult Statistics(out ulong served, out ulong calls, out ulong most, out ulong notServed)
    {
        InvocationResult result = KeyCall.Call(Register, VirtualCopyProtocol.Statistics, 0, 0, 0, 0, 0, out InvocationResponse reply);
        served = reply.W0;
        calls = reply.W1;
        most = reply.W2;
        notServed = reply.W3;
        return result;
    }
}
