namespace CapOS.Kernel.Invocation.Keys;

/// <summary>
/// The segment key: a node seen as an address space (EROS segment key; docs/invocation.md "Node and segment keys").
/// Invoked, it is the same node as through a node key: it takes the node key's orders (<see cref="NodeOrder"/>,
/// one code in <see cref="NodeKey"/>) as far as its rights allow: read-only refuses changes, weak weakens what is
/// fetched, opaque refuses fetching slots; no-call concerns only faults under the segment. KT answers Segment
/// (<see cref="KernelKeys"/>), so a holder can tell it from a node key.
/// </summary>
public static unsafe class SegmentKey
{
    public static DispatchOutcome Invoke(Invocation* invocation) => NodeKey.Invoke(invocation);
}
