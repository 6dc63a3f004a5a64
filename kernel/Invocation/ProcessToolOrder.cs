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

    /// <summary>
    /// Sent 0 = a node key with no restricting rights (not read-only, weak, no-call or opaque): reply key 0 = a process
    /// key to that node as a process root (EROS: the process tool turns node keys into process keys; only the process
    /// creator holds it). RequestError for anything else. The node need not be a well-formed root yet: orders that
    /// load the process answer RequestError until it is.
    /// </summary>
    public const uint MakeProcessKeyFromNode = 3;
}
