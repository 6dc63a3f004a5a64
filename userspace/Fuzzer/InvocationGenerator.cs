using CapOS.Kernel.Invocation;
using CapOS.Pipe;
using CapOS.Runtime;
using CapOS.SpaceBank;

namespace CapOS.Fuzzer;

/// <summary>
/// Draws one random invocation (docs/fuzz.md "Definitions"; the host twin is
/// tests/Kernel.Tests/Invocation/InvocationFuzz.cs): a key register (0..31, sometimes out of range), a type
/// (call, return, send, sometimes invalid), an order (small, KT, KT+1, anything), four words, a string and a
/// receive buffer (null, its own buffer, unmapped, the kernel half, straddling the end of the stack, the
/// 64 KiB limit and beyond, non-canonical), four keys sent (any register, sometimes out of range), four
/// receive registers (0, scratch, or out of range). Then it is tamed (<see cref="Tame"/>) so that the fuzzer
/// keeps its fixed keys and stays alive.
/// </summary>
public static unsafe class InvocationGenerator
{
    private const ulong Unmapped = 0x1000_0000;
    private const ulong KernelHalf = 0xFFFF_8000_0000_0000;
    private const ulong Code = 0x40_0000;

    /// <summary>Fills <paramref name="m"/> from <paramref name="rng"/>; <paramref name="send"/> and <paramref name="receive"/> are the fuzzer's own buffers (8 KiB each).</summary>
    public static void Draw(ref ulong rng, InvocationMessage* m, byte* send, byte* receive)
    {
        uint register = SplitMix64.Below(ref rng, 16) == 0 ? SplitMix64.Below(ref rng, 256) : SplitMix64.Below(ref rng, 32);
        uint type = SplitMix64.Below(ref rng, 16) == 0 ? SplitMix64.Below(ref rng, 256) : SplitMix64.Below(ref rng, 24) == 0 ? 1u : (SplitMix64.Below(ref rng, 2) * 2);
        m->KeyRegister = register | ((ulong)type << 8);
        m->Order = Order(ref rng);
        m->W0 = Word(ref rng);
        m->W1 = Word(ref rng);
        m->W2 = Word(ref rng);
        m->W3 = Word(ref rng);
        m->String = (byte*)StringAddress(ref rng, send);
        m->StringLength = Length(ref rng);
        m->SendKeys = 0;
        m->ReceiveKeys = 0;
        for (int i = 0; i < 4; i++)
        {
            ulong sent = SplitMix64.Below(ref rng, 40) == 0 ? 32 + SplitMix64.Below(ref rng, 224) : SplitMix64.Below(ref rng, 32);
            m->SendKeys |= sent << (8 * i);
            uint pick = SplitMix64.Below(ref rng, 40);
            ulong into = pick < 14 ? 0 : pick == 14 ? 32 + SplitMix64.Below(ref rng, 224) : FuzzProtocol.FirstScratch + SplitMix64.Below(ref rng, FuzzProtocol.ScratchCount);
            m->ReceiveKeys |= into << (8 * i);
        }

        m->ReceiveBuffer = (byte*)ReceiveAddress(ref rng, receive);
        m->ReceiveCapacity = Length(ref rng);
        if (m->ReceiveBuffer >= receive && m->ReceiveBuffer < receive + 4096 && m->ReceiveCapacity > 4096)
        {
            m->ReceiveCapacity = 4096; // the buffer is 8 KiB: a reply never reaches past it
        }
        Tame(m);
    }

    /// <summary>
    /// What the fuzzer must not do to stay a fuzzer (docs/fuzz.md "Taming"): halt a process (the warden takes a
    /// halted fuzzer for a finished one), swap a root slot but the brand, swap a fixed key register, make a
    /// process available (a process that is not at a receive point would take the next message's registers in
    /// the middle of its code, or execute it as an invocation when it was stalled on one), or mint a
    /// start key to another fuzzer (two fuzzers calling each other's start keys would wait for ever, as in
    /// EROS), copy its keeper key (root slot 1: only the kernel may send with the fault key info), or send a
    /// fourth key with a send or a return (the echo server and the keeper answer through their fourth receive
    /// register: a start key there would make them call out and, in a cycle, wait for ever). These orders are rewritten only where the key may be a process key: the fixed process keys and
    /// the scratch registers.
    /// </summary>
    public static void Tame(InvocationMessage* m)
    {
        if ((m->KeyRegister >> 8) != 0)
        {
            m->SendKeys &= 0x00FF_FFFF; // a send or return carries no fourth key: a server's resume register holds a resume key or void
        }

        uint register = (uint)(m->KeyRegister & 0xFF);
        TameService(m, register);
        bool processKey = register == FuzzProtocol.Self || register == FuzzProtocol.OtherProcess || register >= FuzzProtocol.FirstScratch;
        if (!processKey)
        {
            return;
        }

        switch ((uint)m->Order)
        {
            case ProcessOrder.Halt:
                m->Order = ProcessOrder.GetState;
                break;
            case ProcessOrder.CopyRootSlot:
                if (m->W0 == 1)
                {
                    m->W0 = 0; // the keeper's start key (with the fault key info) stays the kernel's to use
                }

                break;
            case ProcessOrder.SwapRootSlot:
                m->W0 = 6; // ProcessRoot.Brand
                break;
            case ProcessOrder.SwapKeyRegister:
                m->W0 = FuzzProtocol.FirstScratch + (m->W0 % FuzzProtocol.ScratchCount);
                break;
            case ProcessOrder.MakeAvailable:
                m->Order = ProcessOrder.GetState;
                break;
            case ProcessOrder.MakeStartKey:
                if (register != FuzzProtocol.Self)
                {
                    m->Order = ProcessOrder.GetState;
                }

                break;
        }
    }

    /// <summary>
    /// The fixed service keys stay usable to the end (docs/fuzz.md "Taming"): the fuzzer's own bank is never
    /// destroyed through register 16 (banks it makes in scratch registers may be), and the pipe's writer facet is
    /// never closed (the health check needs the pipe open); both become harmless queries.
    /// </summary>
    private static void TameService(InvocationMessage* m, uint register)
    {
        if (register == FuzzProtocol.Bank && (m->Order == BankProtocol.DestroyWithObjects || m->Order == BankProtocol.DestroyReturningObjects))
        {
            m->Order = BankProtocol.GetLimits;
        }
        else if (register == FuzzProtocol.PipeWriter && (m->Order == PipeProtocol.Close || m->Order == PipeProtocol.Destroy))
        {
            m->Order = PipeProtocol.Status;
        }
    }

    private static ulong Order(ref ulong rng) => SplitMix64.Below(ref rng, 8) switch
    {
        0 => KeyOrder.AllegedKeyType,
        1 => KeyOrder.Destroy,
        2 => (uint)SplitMix64.Next(ref rng),
        3 => uint.MaxValue - SplitMix64.Below(ref rng, 4),
        _ => SplitMix64.Below(ref rng, 16),
    };

    private static ulong Word(ref ulong rng) => SplitMix64.Below(ref rng, 4) switch
    {
        0 => SplitMix64.Below(ref rng, 40),
        1 => ulong.MaxValue - SplitMix64.Below(ref rng, 2),
        2 => SplitMix64.Next(ref rng),
        _ => SplitMix64.Below(ref rng, 16),
    };

    private static ulong StringAddress(ref ulong rng, byte* send) => SplitMix64.Below(ref rng, 8) switch
    {
        0 => 0,
        1 => Unmapped + SplitMix64.Below(ref rng, 4096),
        2 => KernelHalf + SplitMix64.Below(ref rng, 1 << 20),
        3 => FuzzProtocol.StackTop - 1 - SplitMix64.Below(ref rng, 64),  // straddles the end of the stack
        4 => Code + SplitMix64.Below(ref rng, 4096),
        5 => SplitMix64.Next(ref rng),
        _ => (ulong)send + SplitMix64.Below(ref rng, 4096),
    };

    /// <summary>Never a writable page of the fuzzer's own but its receive buffer: a reply must not overwrite its state.</summary>
    private static ulong ReceiveAddress(ref ulong rng, byte* receive) => SplitMix64.Below(ref rng, 7) switch
    {
        0 => 0,
        1 => Unmapped + SplitMix64.Below(ref rng, 4096),
        2 => KernelHalf + SplitMix64.Below(ref rng, 1 << 20),
        3 => Code + 4096 - 1 - SplitMix64.Below(ref rng, 64), // read-only: the copy takes what fits
        4 => SplitMix64.Next(ref rng) | (1UL << 63),
        _ => (ulong)receive + SplitMix64.Below(ref rng, 4096),
    };

    private static ulong Length(ref ulong rng) => SplitMix64.Below(ref rng, 9) switch
    {
        0 => 0,
        1 => 4096,
        2 => 4097,
        3 => 65536 + SplitMix64.Below(ref rng, 2),
        4 => ulong.MaxValue - SplitMix64.Below(ref rng, 2),
        5 => 160,
        _ => 1 + SplitMix64.Below(ref rng, 200),
    };
}
