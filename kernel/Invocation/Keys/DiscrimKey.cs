using CapOS.Kernel.NodeTree;

namespace CapOS.Kernel.Invocation.Keys;

/// <summary>
/// The discrim key: what kind of key another key is, without the authority to use it (EROS discrim;
/// docs/invocation.md "Discrim key"). Orders: <see cref="DiscrimOrder"/>; classes: <see cref="DiscrimClass"/>.
/// A rescinded key is void here as everywhere (<see cref="Invocation.SentKey"/>). Nothing changes.
/// </summary>
public static unsafe class DiscrimKey
{
    public static DispatchOutcome Invoke(Invocation* invocation)
    {
        switch (invocation->Arguments.Order)
        {
            case DiscrimOrder.Classify:
                return invocation->Answer(Classify(invocation->SentKey(0)));
            case DiscrimOrder.IsDiscreet:
                return invocation->Answer(IsDiscreet(invocation->SentKey(0)) ? 1UL : 0UL);
            case DiscrimOrder.Compare:
                // Disk forms: the same bits name the same object (OID and count), whatever is prepared.
                Key first = Invocation.DiskForm(invocation->SentKey(0));
                Key second = Invocation.DiskForm(invocation->SentKey(1));
                ulong* a = (ulong*)&first;
                ulong* b = (ulong*)&second;
                return invocation->Answer(a[0] == b[0] && a[1] == b[1] ? 1UL : 0UL);
            default:
                return invocation->Answer(InvocationResult.UnknownOrder);
        }
    }

    private static ulong Classify(Key* key)
    {
        KeyType type = key == null ? KeyType.Void : key->Type;
        return type switch
        {
            KeyType.Void => DiscrimClass.Void,
            KeyType.Number => DiscrimClass.Number,
            KeyType.Resume => DiscrimClass.Resume,
            KeyType.Page or KeyType.Node or KeyType.Segment => DiscrimClass.Memory,
            KeyType.Sched => DiscrimClass.Sched,
            _ => DiscrimClass.Other,
        };
    }

    /// <summary>EROS: void, number and discrim keys, read-only page keys, read-only no-call segment keys and sense keys (weak read-only node keys).</summary>
    private static bool IsDiscreet(Key* key)
    {
        if (key == null)
        {
            return true;
        }

        KeyRights rights = key->Rights;
        return key->Type switch
        {
            KeyType.Number or KeyType.Discrim => true,
            KeyType.Page => (rights & KeyRights.ReadOnly) != 0,
            KeyType.Segment => (rights & (KeyRights.ReadOnly | KeyRights.NoCall)) == (KeyRights.ReadOnly | KeyRights.NoCall),
            KeyType.Node => (rights & (KeyRights.ReadOnly | KeyRights.Weak)) == (KeyRights.ReadOnly | KeyRights.Weak),
            _ => false,
        };
    }
}
