namespace CapOS.SpaceBank;

/// <summary>
/// Every bank's record except its per-kind counts (<see cref="ObjectMap"/>): parent and flags, in the server's
/// own data pages (bss), so they are in the store like everything else and survive the plug. A bank's index is
/// the key info of its bank keys (16 bits); index 0 is the prime bank. docs/services.md "Space bank".
/// </summary>
/// <remarks>
/// I1 A child's index is greater than its parent's (indexes are handed out in increasing order and never
///    reused), so one pass in index order visits a parent before its children (destroy marks descendants so).
/// I2 Indexes of destroyed banks are retired, never reused: a start key cannot be rescinded without rescinding
///    the server, so a reused index would hand a dead bank's old keys the new bank. At most
///    <see cref="Capacity"/> banks are ever created (SpaceBankTests via BankTest "dead bank key reads void").
/// </remarks>
internal unsafe struct BankTable
{
    /// <summary>Banks one server can name: key info is 16 bits; 65,535 (index 0xFFFF is never handed out).</summary>
    public const int Capacity = 0xFFFF;

    /// <summary>The record says the bank exists (set by create, cleared by destroy).</summary>
    public const byte Alive = 1;

    /// <summary><see cref="BankProtocol.PrecludeDestroy"/>.</summary>
    public const byte NoDestroy = 2;

    /// <summary><see cref="BankProtocol.PrecludeLimits"/>.</summary>
    public const byte NoLimits = 4;

    /// <summary>Transient mark during a destroy: the bank is the one destroyed or a descendant.</summary>
    public const byte Dying = 8;

    /// <summary>The next index never handed out (I1, I2). Changed by create only.</summary>
    public int NextIndex;

    /// <summary>Parent index of each bank (the prime bank: itself). Written once, at create.</summary>
    public fixed ushort Parent[Capacity];

    /// <summary>Alive, NoDestroy, NoLimits, Dying. Changed by create, preclude and destroy.</summary>
    public fixed byte Flags[Capacity];

    public readonly bool IsAlive(ulong bank) => bank < (ulong)NextIndex && (Flags[(int)bank] & Alive) != 0;
}
