namespace CapOS.Constructor;

/// <summary>
/// The constructor's protocol, shared with its clients (STYLE.md; docs/services.md "Constructor"). One server
/// process (`constructor`) serves the metaconstructor and every constructor, each constructor a record named by
/// key info: the metaconstructor is key info <see cref="MetaFacet"/>; constructor i has a builder key
/// (key info 2i + 2) and a requestor key (key info 2i + 3). A constructor holds a program's constituents: the
/// address-space template, the entry (PC, SP), the keeper and the initial key registers. It is filled through
/// the builder key and sealed; a sealed constructor builds instances through the requestor key.
/// </summary>
/// <remarks>
/// An instance is a new process whose root, key registers node and register annex come from the requester's
/// bank (through the process creator), whose address space is a virtual copy of the template (the virtual copy
/// keeper, from the same bank), branded with the constructor server's brand. It is started so that it replies
/// to the requester itself: the requester's resume key is in its key register <see cref="CreatorResumeRegister"/>
/// and a start key to itself in <see cref="OwnStartRegister"/>; the runtime's startup answers through the first
/// with the second (reply key 0 = its start key), and clears both. Nothing is forked.
/// </remarks>
public static class ConstructorProtocol
{
    /// <summary>Metaconstructor, sent 0 = a bank key: reply key 0 = the builder key of a new, empty constructor (its record's nodes come from that bank).</summary>
    public const uint NewConstructor = 1;

    /// <summary>Builder, sent 0 = a segment key (height 1..7): the address-space template.</summary>
    public const uint InsertAddressSpace = 2;

    /// <summary>Builder, W0 = program counter, W1 = stack pointer (both canonical user addresses).</summary>
    public const uint SetEntry = 3;

    /// <summary>Builder, sent 0 = a start key (or void): the instances' process keeper.</summary>
    public const uint InsertKeeper = 4;

    /// <summary>Builder, W0 = key register 1..<see cref="LastInitialRegister"/>, sent 0 = any key: the instances start with it there.</summary>
    public const uint InsertKey = 5;

    /// <summary>Builder: no more changes; reply key 0 = the requestor key. RequestError when no template or entry was given.</summary>
    public const uint Seal = 6;

    /// <summary>Builder or requestor: reply W0 = 1 when every constituent is discreet (discrim) or the requestor key of a discreet constructor; W1 = the first register (or 32 = address space, 33 = keeper) that is not.</summary>
    public const uint IsDiscreet = 7;

    /// <summary>
    /// Requestor, sent 0 = a bank key (verified with the bank), sent 1 = a sched key: the new instance answers this
    /// call itself with reply key 0 = a start key to it. NoAccess before Seal; the bank's NoMorePages / NoMoreNodes
    /// are passed on.
    /// </summary>
    public const uint Request = 8;

    /// <summary>Key info of the metaconstructor facet.</summary>
    public const ushort MetaFacet = 0;

    /// <summary>The last key register a constituent may fill; 29..31 are the instance's own (below).</summary>
    public const int LastInitialRegister = 28;

    /// <summary>Key register of a new instance holding the bank it was built from (the requester's), for ever: it buys from it and can destroy itself with it.</summary>
    public const int InstanceBankRegister = 29;

    /// <summary>Key register of a new instance holding its own start key at start-up.</summary>
    public const int OwnStartRegister = 30;

    /// <summary>Key register of a new instance holding the requester's resume key at start-up.</summary>
    public const int CreatorResumeRegister = 31;

    /// <summary>What a constructor answers to KT (builder or requestor); the metaconstructor answers <see cref="MetaAllegedType"/>.</summary>
    public const ulong AllegedType = 0x1_0005;

    /// <summary>What the metaconstructor answers to KT.</summary>
    public const ulong MetaAllegedType = 0x1_0006;
}
