namespace CapOS.Kernel.Invocation;

/// <summary>
/// One key invocation in EROS's argument shape (EROS SOSP'99 §3.3; DESIGN.md §6): the key
/// register invoked, an order code, four data words, one data string and four keys
/// sent; the receive side names four key registers and a buffer for the reply string.
/// The machine's trap entry fills it from registers (docs/boot.md "Syscall ABI").
/// </summary>
public unsafe struct InvocationArguments
{
    public byte KeyRegister;

    /// <summary>Call, return or send (bits 8..15 of the invoked-register word).</summary>
    public InvocationType Type;

    public uint Order;
    public ulong W0;
    public ulong W1;
    public ulong W2;
    public ulong W3;

    /// <summary>User address and length of the data string sent.</summary>
    public ulong StringAddress;
    public ulong StringLength;

    /// <summary>Key registers sent (one byte each).</summary>
    public fixed byte SendKeys[4];

    /// <summary>Key registers that receive the reply's keys (one byte each).</summary>
    public fixed byte ReceiveKeys[4];

    /// <summary>User address and capacity of the buffer for the reply string.</summary>
    public ulong ReceiveAddress;
    public ulong ReceiveCapacity;
}
