using CapOS.Kernel.Invocation;
using CapOS.Runtime;

namespace CapOS.ProcessCreator;

/// <summary>The process creator's start key in a key register: typed wrappers over <see cref="ProcessCreatorProtocol"/>. Clients link this file with the protocol.</summary>
public readonly unsafe struct ProcessCreatorKeyRef(byte register)
{
    /// <summary>The key register holding the process creator's start key.</summary>
    public byte Register { get; } = register;

    /// <summary>A new process from the bank in <paramref name="bank"/>: its process key into <paramref name="into"/>, the node key to its root into <paramref name="into"/> + 1.</summary>
    public InvocationResult CreateProcess(byte bank, byte brand, byte sched, byte into) =>
        KeyCall.Call(Register, ProcessCreatorProtocol.CreateProcess, 0, 0, 0,
            bank | ((ulong)brand << 8) | ((ulong)sched << 16), into | ((ulong)(byte)(into + 1) << 8), out _);

    /// <summary>Destroys the process whose root's node key is in <paramref name="root"/>, returning its objects to the bank in <paramref name="bank"/>.</summary>
    public InvocationResult DestroyProcess(byte bank, byte root) =>
        KeyCall.Call(Register, ProcessCreatorProtocol.DestroyProcess, 0, 0, 0, bank | ((ulong)root << 8), 0, out _);
}
