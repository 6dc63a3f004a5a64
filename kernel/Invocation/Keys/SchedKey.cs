namespace CapOS.Kernel.Invocation.Keys;

/// <summary>
/// The sched key: a scheduling class, its priority in the key data (EROS sched key; docs/invocation.md "Sched
/// key"). The scheduler is round robin today and does not read it.
/// </summary>
public static unsafe class SchedKey
{
    public static DispatchOutcome Invoke(Invocation* invocation) =>
        invocation->Arguments.Order == SchedOrder.Priority
            ? invocation->Answer(invocation->Key->KeyData)
            : invocation->Answer(InvocationResult.UnknownOrder);
}
