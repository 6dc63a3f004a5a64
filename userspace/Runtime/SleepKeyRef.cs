using CapOS.Kernel.Invocation;

namespace CapOS.Runtime;

/// <summary>
/// A sleep key in a key register (<see cref="SleepOrder"/>; docs/invocation.md "Sleep key"). Times are persistent
/// monotonic milliseconds: they keep counting across checkpoints and restarts.
/// </summary>
public readonly unsafe struct SleepKeyRef
{
    public SleepKeyRef(byte register) => Register = register;

    /// <summary>The key register holding the sleep key.</summary>
    public byte Register { get; }

    /// <summary>Sleeps <paramref name="milliseconds"/>; <paramref name="now"/> is the time it woke.</summary>
    public InvocationResult Sleep(ulong milliseconds, out ulong now) => Call(SleepOrder.Sleep, milliseconds, out now);

    /// <summary>Sleeps until persistent time <paramref name="deadline"/>; <paramref name="now"/> is the time it woke.</summary>
    public InvocationResult SleepUntil(ulong deadline, out ulong now) => Call(SleepOrder.SleepUntil, deadline, out now);

    /// <summary>Persistent monotonic time now, in milliseconds.</summary>
    public InvocationResult Now(out ulong now) => Call(SleepOrder.Now, 0, out now);

    private InvocationResult Call(uint order, ulong w0, out ulong now)
    {
        InvocationMessage message = default;
        message.KeyRegister = Register;
        message.Order = order;
        message.W0 = w0;
        InvocationResponse reply;
        InvocationResult result = Keys.Invoke(&message, &reply);
        now = reply.W0;
        return result;
    }
}
