using CapOS.Kernel.Invocation;

namespace CapOS.Runtime;

/// <summary>A sched key in a key register (<see cref="SchedOrder"/>; docs/invocation.md "Sched key").</summary>
public readonly unsafe struct SchedKeyRef
{
    public SchedKeyRef(byte register) => Register = register;

    /// <summary>The key register holding the sched key.</summary>
    public byte Register { get; }

    /// <summary>The priority the key names.</summary>
    public InvocationResult Priority(out ulong priority)
    {
        InvocationMessage message = default;
        message.KeyRegister = Register;
        message.Order = SchedOrder.Priority;
        InvocationResponse reply;
        InvocationResult result = Keys.Invoke(&message, &reply);
        priority = reply.W0;
        return result;
    }
}
