namespace CapOS.Kernel.Invocation;

/// <summary>
/// Order codes of the discrim key (EROS discrim, OC_Discrim_*; docs/invocation.md "Discrim key"): it tells what
/// kind of key a sent key is without the authority to use it. A rescinded key is void to all three orders.
/// </summary>
public static class DiscrimOrder
{
    /// <summary>Reply W0 = the class of sent key 0 (<see cref="DiscrimClass"/>).</summary>
    public const uint Classify = 1;

    /// <summary>
    /// Reply W0 = 1 when sent key 0 is discreet (it can pass no information out: void, number, discrim, read-only page,
    /// read-only no-call segment, weak read-only node "sense" key), else 0.
    /// </summary>
    public const uint IsDiscreet = 2;

    /// <summary>Reply W0 = 1 when sent keys 0 and 1 are the same key: same type, rights, key data and object (or number), else 0.</summary>
    public const uint Compare = 3;
}

/// <summary>Classes <see cref="DiscrimOrder.Classify"/> answers (EROS discrim classes). Values are in every program: never renumber.</summary>
public static class DiscrimClass
{
    public const ulong Void = 0;

    public const ulong Number = 1;

    public const ulong Resume = 2;

    /// <summary>Page, node or segment keys.</summary>
    public const ulong Memory = 3;

    public const ulong Sched = 4;

    /// <summary>Every other key: start, process, range, kernel keys.</summary>
    public const ulong Other = 5;
}
