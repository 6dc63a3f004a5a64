using CapOS.Kernel.Invocation.Keys;
using CapOS.Kernel.NodeTree;

namespace CapOS.Kernel.Invocation;

/// <summary>
/// The kernel keys: every key type the kernel implements itself, one handler file per type in Keys/
/// (STYLE.md "Invocation handlers"; docs/invocation.md "Kernel keys"). Every kernel key answers KT with its
/// type; the handler decodes and validates everything before its commit point.
/// </summary>
public static unsafe class KernelKeys
{
    /// <summary>Runs <paramref name="invocation"/> on the (non-void, non-gate) invoked key.</summary>
    public static DispatchOutcome Invoke(Invocation* invocation)
    {
        KeyType type = invocation->Key->Type;
        if (invocation->Arguments.Order == KeyOrder.AllegedKeyType)
        {
            return invocation->Answer((ulong)type);
        }

        return type switch
        {
            KeyType.Console => ConsoleKey.Invoke(invocation),
            KeyType.Checkpoint => CheckpointKey.Invoke(invocation),
            KeyType.Number => NumberKey.Invoke(invocation),
            KeyType.Process => ProcessKey.Invoke(invocation),
            KeyType.Range => RangeKey.Invoke(invocation),
            KeyType.PrimeRange => PrimeRangeKey.Invoke(invocation),
            KeyType.Sched => SchedKey.Invoke(invocation),
            KeyType.Sleep => SleepKey.Invoke(invocation),
            KeyType.ProcessTool => ProcessToolKey.Invoke(invocation),
            KeyType.Node => NodeKey.Invoke(invocation),
            KeyType.Segment => SegmentKey.Invoke(invocation),
            KeyType.Page => PageKey.Invoke(invocation),
            KeyType.Discrim => DiscrimKey.Invoke(invocation),
            KeyType.KeyBits => KeyBitsKey.Invoke(invocation),
            _ => invocation->Answer(InvocationResult.UnknownOrder),
        };
    }
}
