namespace CapOS.CounterServer;

/// <summary>The counter server's protocol, shared with its clients (STYLE.md: one protocol file per service).</summary>
public static class CounterProtocol
{
    /// <summary>Adds one to the count; replies Ok with W0 = the new count.</summary>
    public const uint Increment = 1;

    /// <summary>Replies Ok with W0 = the count.</summary>
    public const uint Read = 2;

    /// <summary>What the server answers to KT (an alleged key type of its own, above the kernel's).</summary>
    public const ulong AllegedType = 0x1_0001;
}
