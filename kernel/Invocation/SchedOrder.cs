namespace CapOS.Kernel.Invocation;

/// <summary>Order codes of the sched key (EROS sched key; docs/invocation.md "Sched key").</summary>
public static class SchedOrder
{
    /// <summary>Reply W0 = the priority (the key's key data).</summary>
    public const uint Priority = 1;
}
