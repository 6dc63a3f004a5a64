namespace CapOS.Kernel.Invocation.Keys;

/// <summary>
/// The keybits key: the bits of a key, for debuggers and tests (EROS keybits; docs/invocation.md "KeyBits key").
/// Order: <see cref="KeyBitsOrder.Translate"/>. A prepared key's payload is a ring link and a reference, which mean
/// nothing outside the kernel: the answer is the disk form (Cache.DiskForm), void for a rescinded key.
/// </summary>
public static unsafe class KeyBitsKey
{
    public static DispatchOutcome Invoke(Invocation* invocation)
    {
        if (invocation->Arguments.Order != KeyBitsOrder.Translate)
        {
            return invocation->Answer(InvocationResult.UnknownOrder);
        }

        NodeTree.Key key = Invocation.DiskForm(invocation->SentKey(0));
        invocation->Reply.W1 = key.Oid.Value;
        invocation->Reply.W2 = key.AllocCount;
        return invocation->Answer((ulong)key.Type | ((ulong)key.Rights << 8) | ((ulong)key.KeyData << 16));
    }
}
