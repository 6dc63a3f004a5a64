namespace CapOS.Constructor;

/// <summary>
/// Every constructor's record (docs/services.md "Constructor"), in the server's own data pages (bss), so in the
/// store. Constructor i answers through builder key info 2i + 2 and requestor key info 2i + 3
/// (<see cref="ConstructorProtocol"/>); its keys (the constituents) are in a node bought from the bank given to
/// NewConstructor, which the server reaches through its directory (slot i / 32 of the directory node holds a node
/// key to a leaf; slot i % 32 of the leaf holds the constituents node's key).
/// </summary>
/// <remarks>
/// I1 Indexes are handed out in increasing order and never reused (a start key cannot be rescinded without the
///    server), so an old key never names a newer constructor.
/// I2 A sealed record never changes again except its Alive bit (its constituents are fixed): a discreet verdict taken
///    at Seal stays true, which is what makes a requestor key of it a discreet constituent of later constructors.
/// Constituents node: slot 0 = the address-space template, slots 1..28 = the initial key registers, slot 29 = the keeper.
/// </remarks>
internal unsafe struct ConstructorTable
{
    /// <summary>Records the directory can hold: 8 leaves of 32 (ctor.sys: tree constructor-directory fanout 8 depth 2).</summary>
    public const int Capacity = 256;

    /// <summary>Constituents node slot of the template.</summary>
    public const int SpaceSlot = 0;

    /// <summary>Constituents node slot of the keeper.</summary>
    public const int KeeperSlot = 29;

    public const byte Alive = 1;
    public const byte Sealed = 2;
    public const byte Discreet = 4;
    public const byte HasSpace = 8;
    public const byte HasEntry = 16;
    public const byte HasKeeper = 32;

    /// <summary>The next index never handed out (I1). Changed by NewConstructor only.</summary>
    public int NextIndex;

    /// <summary>Alive, Sealed, Discreet (decided at Seal, I2), HasSpace, HasEntry, HasKeeper. Changed by the builder orders until Seal.</summary>
    public fixed byte Flags[Capacity];

    /// <summary>Bit r set: key register r (1..28) of an instance gets constituent slot r. Changed by InsertKey until Seal.</summary>
    public fixed uint Filled[Capacity];

    /// <summary>The instances' entry program counter. Changed by SetEntry until Seal.</summary>
    public fixed ulong Pc[Capacity];

    /// <summary>The instances' entry stack pointer. Changed by SetEntry until Seal.</summary>
    public fixed ulong Sp[Capacity];

    /// <summary>The record named by key info <paramref name="keyInfo"/> (builder or requestor), or -1.</summary>
    public readonly int IndexOf(ulong keyInfo)
    {
        if (keyInfo < 2)
        {
            return -1;
        }

        int index = (int)((keyInfo - 2) / 2);
        return index < NextIndex && (Flags[index] & Alive) != 0 ? index : -1;
    }

    public readonly bool Has(int index, byte flag) => (Flags[index] & flag) != 0;
}
