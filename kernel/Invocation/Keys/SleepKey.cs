using CapOS.Kernel.Process;

namespace CapOS.Kernel.Invocation.Keys;

/// <summary>
/// The sleep key: persistent monotonic time and sleeping (EROS sleep key; docs/invocation.md "Sleep key").
/// A sleeper is stalled (StallReason.Sleep, kernel state only) on the sleep queue ordered by wake time, and
/// executes its invocation again when the timer wakes it (Stall.WakeSleepers).
/// </summary>
/// <remarks>
/// I1 A stalled sleeper's pending invocation is <see cref="SleepOrder.SleepUntil"/> with its deadline: a relative
///    <see cref="SleepOrder.Sleep"/> is rewritten in its saved registers when it stalls, so the invocation it
///    executes again - woken, or after a restart - ends at the same persistent time (SleepKeyTests).
/// </remarks>
public static unsafe class SleepKey
{
    public static DispatchOutcome Invoke(Invocation* invocation)
    {
        ulong now = PersistentTime.NowMs;
        ulong w0 = invocation->Arguments.W0;
        switch (invocation->Arguments.Order)
        {
            case SleepOrder.Now:
                return invocation->Answer(now);
            case SleepOrder.Sleep:
                if (w0 == 0)
                {
                    return invocation->Answer(now);
                }

                ulong deadline = w0 > ulong.MaxValue - now ? ulong.MaxValue : now + w0;

                // Commit point: the invocation becomes its restartable form (I1); nothing below fails.
                UserMode.RewriteInvocation(invocation->Invoker, SleepOrder.SleepUntil, deadline);
                return Wait(invocation, deadline);
            case SleepOrder.SleepUntil:
                return now >= w0 ? invocation->Answer(now) : Wait(invocation, w0);
            default:
                return invocation->Answer(InvocationResult.UnknownOrder);
        }
    }

    /// <summary>Stalls the invoker until <paramref name="deadline"/> (the dispatcher queues it: Stall.Add orders the sleep queue).</summary>
    private static DispatchOutcome Wait(Invocation* invocation, ulong deadline)
    {
        invocation->Invoker->WakeTime = deadline;
        invocation->StallReason = StallReason.Sleep;
        return invocation->Stalled();
    }
}
