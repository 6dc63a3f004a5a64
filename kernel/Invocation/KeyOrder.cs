namespace CapOS.Kernel.Invocation;

/// <summary>
/// Order codes every key answers (EROS "KT": alleged key type; docs/invocation.md "Orders"). Chosen above every
/// key-specific order so that no key's own orders collide with them.
/// </summary>
public static class KeyOrder
{
    /// <summary>Replies Ok with W0 = the key's alleged type (<see cref="NodeTree.KeyType"/> for kernel keys; a process answers its own).</summary>
    public const uint AllegedKeyType = 0x7FFF_FF00;

    /// <summary>KT + 1: destroy what the key names, where the key type allows it (EROS).</summary>
    public const uint Destroy = AllegedKeyType + 1;
}
