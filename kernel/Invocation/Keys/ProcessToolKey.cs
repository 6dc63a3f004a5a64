using CapOS.Kernel.NodeTree;
using CapOS.Kernel.ObjectCache;
using CapOS.Kernel.Process;

namespace CapOS.Kernel.Invocation.Keys;

/// <summary>
/// The process tool (EROS process tool; docs/invocation.md "Process tool"): given a start key (sent key 0) and a
/// brand key (sent key 1), compares the brand in the start key's process root (slot 6) with the brand key, bit
/// for bit in disk form. A match proves the holder of the brand made the process (a constructor brands its
/// products) and yields a process key to it. It also turns an unrestricted node key into a process key to that node
/// (<see cref="ProcessToolOrder.MakeProcessKeyFromNode"/>: how the process creator makes processes from banked
/// nodes). Orders: <see cref="ProcessToolOrder"/>.
/// </summary>
/// <remarks>
/// I1 A void brand never matches: a process without a brand is nobody's product (else every start key holder
///    could get a process key by sending a void brand). Tested by ProcessToolKeyTests.
/// I2 Only a node key with no restricting rights becomes a process key: a read-only, weak, no-call or opaque node
///    key grants less than a process key would (ProcessToolKeyTests.OnlyAnUnrestrictedNodeKeyBecomesAProcessKey).
/// </remarks>
public static unsafe class ProcessToolKey
{
    public static DispatchOutcome Invoke(Invocation* invocation)
    {
        uint order = invocation->Arguments.Order;
        if (order == ProcessToolOrder.MakeProcessKeyFromNode)
        {
            return FromNode(invocation);
        }

        if (order != ProcessToolOrder.MakeProcessKey && order != ProcessToolOrder.IdentifyStartKey)
        {
            return invocation->Answer(InvocationResult.UnknownOrder);
        }

        Key* start = invocation->SentKey(0);
        Key* brand = invocation->SentKey(1);
        if (start == null || start->Type != KeyType.Start || brand == null)
        {
            return invocation->Answer(InvocationResult.RequestError); // missing, rescinded or wrong sent keys
        }

        if (Cache.PrepareKey(start, out ObjectHeader* root) != CacheResult.Ok || root == null)
        {
            return invocation->Answer(InvocationResult.RequestError);
        }

        bool match = Matches(Node.Slot(Cache.NodeBody(root), ProcessRoot.Brand), brand);
        if (order == ProcessToolOrder.IdentifyStartKey)
        {
            invocation->Reply.W1 = match ? start->KeyData : 0UL;
            return invocation->Answer(match ? 1UL : 0UL);
        }

        if (!match)
        {
            return invocation->Answer(InvocationResult.NoAccess);
        }

        invocation->SetReplyKey(0, Key.Object(KeyType.Process, root->Oid, root->AllocCount, KeyRights.None, 0));
        return invocation->Answer(InvocationResult.Ok);
    }

    /// <summary>A process key to the node of sent key 0 (I2); the node's content is not checked: loading it is.</summary>
    private static DispatchOutcome FromNode(Invocation* invocation)
    {
        Key* node = invocation->SentKey(0);
        if (node == null || node->Type != KeyType.Node || node->Rights != KeyRights.None)
        {
            return invocation->Answer(InvocationResult.RequestError); // missing, void, rescinded, not a node key, or restricted (I2)
        }

        ObjectHeader* root = Invocation.ObjectOf(node);
        invocation->SetReplyKey(0, Key.Object(KeyType.Process, root->Oid, root->AllocCount, KeyRights.None, 0));
        return invocation->Answer(InvocationResult.Ok);
    }

    /// <summary>The two keys are the same 16 bytes in disk form, and not void (I1).</summary>
    private static bool Matches(Key* inRoot, Key* brand)
    {
        Key a;
        Key b;
        Cache.DiskForm(inRoot, &a);
        Cache.DiskForm(brand, &b);
        ulong* x = (ulong*)&a;
        ulong* y = (ulong*)&b;
        return a.Type != KeyType.Void && x[0] == y[0] && x[1] == y[1];
    }
}
