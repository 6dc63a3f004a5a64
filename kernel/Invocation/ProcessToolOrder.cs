namespace CapOS.Kernel.Invocation;

/// <summary>
/// Order codes of the process tool (EROS process tool; docs/invocation.md "Process tool"): how a constructor
/// recognises its products. Sent key 0 is a start key, sent key 1 the brand key.
/// </summary>
public static class ProcessToolOrder
{
    /// <summary>
    /// Reply key 0 = a process key to the start key's process when its brand (root slot 6) equals the brand key
    /// bit for bit; NoAccess when it does not.
    /// </summary>
    public const uint MakeProcessKey = 1;

    /// <summary>Reply W0 = 1 when the brand matches (then W1 = the start key's key info), else W0 = 0, W1 = 0.</summary>
    public const uint IdentifyStartKey = 2;
}
