using CapOS.Kernel.Checkpoint;
using CapOS.Kernel.Process;

namespace CapOS.Kernel.Invocation.Keys;

/// <summary>
/// The checkpoint key (docs/checkpoint.md "Triggers"): takes a snapshot when none is being written, else stalls
/// its invoker until the one being written ends; the invocation is then executed again (docs/process.md).
/// </summary>
public static unsafe class CheckpointKey
{
    public static DispatchOutcome Invoke(Invocation* invocation)
    {
        if (invocation->Arguments.Order != CheckpointOrder.CheckpointNow)
        {
            return invocation->Answer(InvocationResult.UnknownOrder);
        }

        CheckpointNowResult result = Checkpointer.TryCheckpointNow(out ulong sequence);
        if (result == CheckpointNowResult.Busy)
        {
            invocation->StallReason = StallReason.Checkpoint;
            return DispatchOutcome.Stalled;
        }

        invocation->Reply.W0 = sequence;
        return invocation->Answer(sequence == 0 ? InvocationResult.CheckpointFailed : InvocationResult.Ok);
    }
}
