namespace CapOS.Kernel.Invocation;

/// <summary>
/// Order codes of the prime range key: every OID of the volume (EROS prime range; docs/invocation.md "Range key").
/// It answers every <see cref="RangeOrder"/> with W0 = the OID itself (its "offset" from OID 0), and:
/// </summary>
public static class PrimeRangeOrder
{
    /// <summary>W0 = first OID, W1 = count (1..2^32-1): reply key 0 = a range key over [first, first + count). Same code as <see cref="RangeOrder.MakeSubRange"/>.</summary>
    public const uint MakeRangeKey = RangeOrder.MakeSubRange;
}
