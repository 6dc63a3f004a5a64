namespace CapOS.Kernel.Invocation;

/// <summary>
/// Order codes of the range key (EROS range key; docs/invocation.md "Range key"). Offsets in W0 count from the
/// range's first OID and must be below its count; the prime range key takes the same orders with the OID itself
/// in W0 (<see cref="PrimeRangeOrder"/>).
/// </summary>
public static class RangeOrder
{
    /// <summary>W0 = offset of a page OID: reply key 0 = a page key to it, W0 = its AllocCount.</summary>
    public const uint MakePageKey = 1;

    /// <summary>W0 = offset of a node OID: reply key 0 = a node key to it, W0 = its AllocCount.</summary>
    public const uint MakeNodeKey = 2;

    /// <summary>
    /// W0 = offset: the object gets a new incarnation: AllocCount + 1 (every key to the old one is void), content
    /// zero (a zero page, a node of void keys; a node's CallCount also goes up). Reply W0 = the new AllocCount.
    /// </summary>
    public const uint Rescind = 3;

    /// <summary>W0 = offset: reply W0 = the object's type (ObType: 1 page, 2 node), W1 = its AllocCount.</summary>
    public const uint Query = 4;

    /// <summary>W0 = offset, W1 = count (1..2^32-1, within this range): reply key 0 = a range key over that span.</summary>
    public const uint MakeSubRange = 5;

    /// <summary>Reply W0 = the range's first OID, W1 = its count.</summary>
    public const uint Describe = 6;

    /// <summary>
    /// Sent key 0 = a page or node key (any rights) to a live object of this range: reply W0 = its offset, W1 = its
    /// type (ObType: 1 page, 2 node), W2 = its AllocCount. How a space bank learns which of its objects a client
    /// hands back (EROS range key "identify"). RequestError: no key sent, a void or rescinded key, another key
    /// type, an OID outside this range.
    /// </summary>
    public const uint Identify = 7;
}
