namespace CapOS.VirtualCopy;

/// <summary>
/// The virtual copy keeper's protocol, shared with its clients (STYLE.md: one protocol file per service;
/// docs/services.md "Virtual copy keeper"). One keeper process (`vcsk`) serves every virtual copy and demand-zero
/// segment. Its start key with key info <see cref="MakerFacet"/> is the maker; the key info <see cref="KeeperFacet"/>
/// is the one it puts in slot 31 of each red segment it makes, where the kernel delivers the segment's faults
/// (docs/invocation.md "Segment keepers").
/// </summary>
/// <remarks>
/// A segment it makes is a red node of height <see cref="RedHeight"/> allocated from the client's bank:
/// slot 0 = the space (height 7, the whole user half), slot <see cref="BankSlot"/> = the bank it buys from,
/// slot 31 = the keeper. Slots 1..29 lie above the user half and are never walked. A write to a page reached
/// through a read-only key (the template's, or the primordial zero space's) buys a page from that bank and
/// copies it; nodes on the way are copied the same way (a node's clone through a weak key: every key in it
/// read-only). Results are InvocationResult codes; a bank's NoMorePages / NoMoreNodes is passed on.
/// </remarks>
public static class VirtualCopyProtocol
{
    /// <summary>
    /// Maker facet, sent 0 = a bank key, W0 = the red node's height h (0: <see cref="RedHeight"/>; else
    /// <see cref="MinRedHeight"/>..<see cref="RedHeight"/>): reply key 0 = a segment key (red, height h) to a new
    /// demand-zero segment whose slot 0 is the zero space of height h - 1 (a segment of height 3 spans 4 MiB).
    /// </summary>
    public const uint CreateDemandZero = 1;

    /// <summary>Maker facet, sent 0 = a bank key, sent 1 = a segment key (height 1..7) to the template: reply key 0 = a new virtual copy of it.</summary>
    public const uint CreateCopy = 2;

    /// <summary>
    /// Maker facet, sent 0 = a segment key this keeper made: its space as it is now becomes a read-only template
    /// (reply key 0 = a weak, read-only, no-call segment key of height 7 to it, discreet by discrim), and the
    /// segment goes on as a virtual copy of that template.
    /// </summary>
    public const uint Freeze = 3;

    /// <summary>Maker facet, sent 0 = a segment key this keeper made: every node and page it bought goes back to its bank (reclaimed: old keys read void), and the red node too.</summary>
    public const uint Destroy = 4;

    /// <summary>
    /// Maker facet (added): reply W0 = faults served, W1 = the invocations the keeper made serving them (the answer
    /// included), W2 = the most in one fault, W3 = faults not served (the process was left parked).
    /// </summary>
    public const uint Statistics = 5;

    /// <summary>
    /// Maker facet (added), sent 0 = a red segment key this keeper made (the space), sent 1 = another of a lower
    /// height h, W0 = an offset in the space's slot 0, aligned to 2^(12 + 5h): the space's tree is made its own
    /// down to the slot of height h at W0 (as a write there would), and that slot gets the key: the segment is
    /// mapped there, and its faults go to its own red node (the innermost). RequestError: a key not made here, a
    /// height not below the space's, an offset not aligned or beyond the space, a slot that holds something of the
    /// space's own or another mapped segment (unmap first); the bank's NoMoreNodes / Void passed on.
    /// </summary>
    public const uint Map = 6;

    /// <summary>
    /// Maker facet (added), sent 0 = the space, sent 1 = the segment, W0 = the offset given to <see cref="Map"/>: the
    /// slot gets the zero space of its height back (the addresses read zero again, through the space's keeper).
    /// RequestError when the segment is not mapped there.
    /// </summary>
    public const uint Unmap = 7;

    /// <summary>The lowest height <see cref="CreateDemandZero"/> makes (slot 0 then spans a height-1 node, 128 KiB).</summary>
    public const int MinRedHeight = 2;

    /// <summary>Key info of the maker facet.</summary>
    public const ushort MakerFacet = 0;

    /// <summary>Key info of the keeper facet (slot 31 of every red node it makes): fault messages only; any other order answers NoAccess.</summary>
    public const ushort KeeperFacet = 1;

    /// <summary>Height of the red node of every segment it makes (its slot 0 spans the 2^47-byte user half).</summary>
    public const int RedHeight = 8;

    /// <summary>Slot of the red node that holds the bank the segment buys from.</summary>
    public const int BankSlot = 30;

    /// <summary>What the maker facet answers to KT.</summary>
    public const ulong AllegedType = 0x1_0004;
}
