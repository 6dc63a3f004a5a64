using CapOS.Kernel.Invocation;
using CapOS.Runtime;
using CapOS.SpaceBank;

namespace CapOS.VirtualCopy;

/// <summary>
/// The keeper's key registers and every invocation it makes, counted (docs/services.md "Virtual copy keeper",
/// "Cost of a fault"): <see cref="Calls"/> goes up by one per invocation, so a fault's cost is the difference.
/// </summary>
/// <remarks>
/// Register map (the .sys gives 1, 2, 4, 6..13, 15; the keeper makes 14 at its first run):
/// 1 console, 2 its own process key, 4 KeyBits, 6..13 the zero space of heights 0..7 (<see cref="Zero"/>), 14 the
/// keeper facet (a start key to itself, key info <see cref="VirtualCopyProtocol.KeeperFacet"/>), 15 a start key to
/// the space bank server (key info 65535, no live bank: only its root OID is used, to recognise bank keys),
/// 16..18 the keys a message brings, 19 an object just bought, 20 a key just made, 21 the segment's bank,
/// 22..29 the walk's keys of heights 0..7 (<see cref="Level"/>), 31 the caller's resume key.
/// </remarks>
internal static unsafe class KeeperKeys
{
    public const byte KeyBits = 4;
    public const byte KeeperFacet = 14;
    public const byte BankServer = 15;
    public const byte Received = 16;
    public const byte Received1 = 17;
    public const byte Bought = 19;
    public const byte Made = 20;
    public const byte Bank = 21;
    public const byte Resume = 31;

    public const ulong TypeVoid = 0;
    public const ulong TypeStart = 1;
    public const ulong TypePage = 8;
    public const ulong TypeNode = 9;
    public const ulong TypeSegment = 10;
    public const ulong ReadOnly = 1;
    public const ulong Weak = 2;
    public const ulong NoCall = 4;
    public const ulong Opaque = 8;
    public const ulong KeeperFlag = 0x100;

    /// <summary>Invocations made since the keeper started (kept in its data page).</summary>
    public static ulong Calls;

    /// <summary>The key register holding the zero space of <paramref name="height"/> (0: the zero page, read-only).</summary>
    public static byte Zero(int height) => (byte)(6 + height);

    /// <summary>The key register for the walk's key of <paramref name="height"/> (0: a page key).</summary>
    public static byte Level(int height) => (byte)(22 + height);

    /// <summary>log2 of the span of a segment of <paramref name="height"/> (docs/process.md "Definitions").</summary>
    public static int SpanBits(int height) => 12 + (5 * height);

    public static KeyShape Translate(byte register)
    {
        Calls++;
        new KeyBitsKeyRef(KeyBits).Translate(register, out ulong bits, out ulong payload, out uint count);
        return new KeyShape(bits, payload, count);
    }

    public static InvocationResult CopySlot(byte node, int slot, byte into)
    {
        Calls++;
        return new NodeKeyRef(node).CopySlot(slot, into);
    }

    /// <summary>Slot <paramref name="slot"/> of <paramref name="node"/> gets the key in <paramref name="from"/>; the old key is dropped.</summary>
    public static InvocationResult SetSlot(byte node, int slot, byte from)
    {
        Calls++;
        return new NodeKeyRef(node).SwapSlot(slot, from, 0);
    }

    public static InvocationResult CloneNode(byte node, byte from)
    {
        Calls++;
        return new NodeKeyRef(node).Clone(from);
    }

    public static InvocationResult ClonePage(byte page, byte from)
    {
        Calls++;
        return new PageKeyRef(page).Clone(from);
    }

    public static InvocationResult MakeSegmentKey(byte node, int height, ulong rights, byte into)
    {
        Calls++;
        return new NodeKeyRef(node).MakeSegmentKey((ushort)height, (byte)rights, into);
    }

    public static InvocationResult MakeNodeKey(byte node, byte into)
    {
        Calls++;
        return new NodeKeyRef(node).MakeNodeKey(0, into);
    }

    /// <summary>One page or node from the bank in <paramref name="bankRegister"/> into <see cref="Bought"/>.</summary>
    public static InvocationResult Buy(byte bankRegister, bool page)
    {
        Calls++;
        var bank = new BankKeyRef(bankRegister);
        return page ? bank.AllocPages(1, Bought) : bank.AllocNodes(1, Bought);
    }

    /// <summary>Gives the page or node whose key is in <paramref name="key"/> back to the bank in <see cref="Bank"/>.</summary>
    public static InvocationResult Reclaim(bool page, byte key)
    {
        Calls++;
        var bank = new BankKeyRef(Bank);
        return page ? bank.ReclaimPages(1, key) : bank.ReclaimNodes(1, key);
    }

    public static InvocationResult Invoke(InvocationMessage* message, InvocationResponse* reply)
    {
        Calls++;
        return Keys.Invoke(message, reply);
    }

    /// <summary>Whether <paramref name="register"/> holds a start key to the space bank server (whose banks answer, and never hang the keeper).</summary>
    public static bool IsBankKey(byte register)
    {
        KeyShape key = Translate(register);
        return key.Type == TypeStart && key.Oid == Program.BankServerOid && key.Count == Program.BankServerCount;
    }
}

/// <summary>A key's disk form as KeyBits tells it: type, rights, key data, object and count.</summary>
internal readonly struct KeyShape(ulong bits, ulong oid, uint count)
{
    public ulong Type => bits & 0xFF;

    public ulong Rights => (bits >> 8) & 0xFF;

    public ulong KeyData => (bits >> 16) & 0xFFFF;

    /// <summary>Segment keys: the height.</summary>
    public int Height => (int)(KeyData & 0xFF);

    public ulong Oid => oid;

    public uint Count => count;

    /// <summary>Read-only or weak: a key to something the segment shares (a template's, the zero space's), never its own.</summary>
    public bool Shared => (Rights & (KeeperKeys.ReadOnly | KeeperKeys.Weak)) != 0;
}
