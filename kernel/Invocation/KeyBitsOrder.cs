namespace CapOS.Kernel.Invocation;

/// <summary>Order codes of the keybits key (EROS keybits; docs/invocation.md "KeyBits key"): debuggers and tests see a key's bits.</summary>
public static class KeyBitsOrder
{
    /// <summary>
    /// The disk form of sent key 0 (void when rescinded): reply W0 = type | rights &lt;&lt; 8 | key data &lt;&lt; 16,
    /// W1 = payload bytes 0..7 (object keys: the OID; number keys: words 0 and 1; range keys: the first OID),
    /// W2 = payload bytes 8..11 (object keys: the AllocCount, a resume key's the CallCount; number: word 2; range: the count).
    /// </summary>
    public const uint Translate = 1;
}
