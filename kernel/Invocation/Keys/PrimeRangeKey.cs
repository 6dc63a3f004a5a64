namespace CapOS.Kernel.Invocation.Keys;

/// <summary>
/// The prime range key: the range key over every OID of the volume (EROS prime range; docs/invocation.md
/// "Range key"), held by the prime space bank. Every <see cref="RangeOrder"/> with the OID itself as the offset;
/// <see cref="PrimeRangeOrder.MakeRangeKey"/> makes a range key over any span.
/// </summary>
public static unsafe class PrimeRangeKey
{
    /// <summary>OIDs the prime range spans: [0, 2^64 - 1).</summary>
    public const ulong Span = ulong.MaxValue;

    public static DispatchOutcome Invoke(Invocation* invocation) => RangeKey.InvokeOver(invocation, 0, Span);
}
