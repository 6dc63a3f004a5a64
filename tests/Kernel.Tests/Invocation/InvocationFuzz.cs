using System;
using CapOS.Kernel.Invocation;

namespace CapOS.Kernel.Tests.Invocation;

/// <summary>
/// The host twin of the ring-3 fuzzers' generator (userspace/Fuzzer/InvocationGenerator.cs; docs/fuzz.md
/// "Definitions"): the same choices, drawn from <see cref="Random"/> instead of the fuzzer's SplitMix64.
/// </summary>
internal static unsafe class InvocationFuzz
{
    private const ulong WindowAddress = 0x10000;

    /// <summary>One random invocation: register, type, order, words, string, keys sent and received, receive buffer.</summary>
    public static InvocationArguments Draw(Random random)
    {
        InvocationArguments a = default;
        a.KeyRegister = (byte)(random.Next(16) == 0 ? random.Next(256) : random.Next(32));
        a.Type = (InvocationType)(random.Next(16) == 0 ? random.Next(256) : random.Next(3));
        a.Order = Order(random);
        a.W0 = Word(random);
        a.W1 = Word(random);
        a.W2 = Word(random);
        a.W3 = Word(random);
        a.StringAddress = Address(random);
        a.StringLength = Length(random);
        for (int i = 0; i < 4; i++)
        {
            a.SendKeys[i] = Register(random);
            a.ReceiveKeys[i] = random.Next(3) == 0 ? (byte)0 : Register(random);
        }

        a.ReceiveAddress = Address(random);
        a.ReceiveCapacity = Length(random);
        return a;
    }

    /// <summary>Small orders (every key's real ones), KT and KT+1, or anything.</summary>
    public static uint Order(Random random) => random.Next(8) switch
    {
        0 => KeyOrder.AllegedKeyType,
        1 => KeyOrder.Destroy,
        2 => (uint)random.Next(),
        3 => uint.MaxValue - (uint)random.Next(4),
        _ => (uint)random.Next(16),
    };

    /// <summary>Small words (slot numbers, registers), boundaries, or anything.</summary>
    public static ulong Word(Random random) => random.Next(4) switch
    {
        0 => (ulong)random.Next(40),
        1 => ulong.MaxValue - (ulong)random.Next(2),
        2 => (ulong)random.NextInt64(),
        _ => (ulong)random.Next(16),
    };

    /// <summary>A string or buffer address: null, valid, unmapped, kernel half, straddling the end of a mapping, non-canonical.</summary>
    public static ulong Address(Random random) => random.Next(9) switch
    {
        0 => 0,
        1 => WindowAddress + (ulong)random.Next(64),
        2 => (ulong)random.Next(4096),
        3 => 0x7000_0000 + (ulong)random.Next(4096),
        4 => 0xFFFF_8000_0000_0000 + (ulong)random.Next(1 << 20),
        5 => 4096 - (ulong)random.Next(1, 64),
        6 => WindowAddress + 8192 - (ulong)random.Next(1, 64),
        7 => 0x0000_7FFF_FFFF_FFF0 + (ulong)random.Next(32),
        _ => (ulong)random.NextInt64() | ((ulong)random.Next(2) << 63),
    };

    /// <summary>A length: none, short, a page and one more, the 64 KiB message limit and one more, huge.</summary>
    public static ulong Length(Random random) => random.Next(8) switch
    {
        0 => 0,
        1 => 4096,
        2 => 4097,
        3 => 65536 + (ulong)random.Next(2),
        4 => ulong.MaxValue - (ulong)random.Next(2),
        5 => 160,
        _ => (ulong)random.Next(1, 200),
    };

    /// <summary>A key register: mostly 0..31, sometimes out of range.</summary>
    public static byte Register(Random random) => (byte)(random.Next(40) == 0 ? random.Next(32, 256) : random.Next(32));

    /// <summary>The case in a line, for failure messages.</summary>
    public static string Describe(InvocationArguments* a) =>
        $"reg={a->KeyRegister} type={(byte)a->Type} order=0x{a->Order:x} w=0x{a->W0:x},0x{a->W1:x},0x{a->W2:x},0x{a->W3:x} " +
        $"string=0x{a->StringAddress:x}+0x{a->StringLength:x} send=0x{*(uint*)a->SendKeys:x8} receive=0x{*(uint*)a->ReceiveKeys:x8} " +
        $"buffer=0x{a->ReceiveAddress:x}+0x{a->ReceiveCapacity:x}";
}
