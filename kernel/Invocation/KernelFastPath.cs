using System.Runtime.CompilerServices;
using CapOS.Kernel.Invocation.Keys;
using CapOS.Kernel.NodeTree;
using CapOS.Kernel.Process;

namespace CapOS.Kernel.Invocation;

/// <summary>
/// The kernel-key fast path (docs/invocation.md "Kernel-key fast path"): a CALL or SEND that sends no key, no
/// string and names no receive key register, on a key the kernel answers from the key alone: the void key (any
/// order: Void), a number key (every order), and KT on any other key that is not a gate and needs no preparing
/// (a data key, or an object key prepared already). Answered from the invocation registers with result, W0 and
/// W1, written straight into the trap frame (the other reply registers zeroed by the trap path) with no <see cref="Invocation"/> built. Every
/// other invocation declines here and goes down the general path (<see cref="Dispatcher"/>), which is the
/// reference: the host tests run both over the same cases (KernelFastPathTests).
/// </summary>
/// <remarks>
/// I1 It changes nothing: it reads the invoker's key registers and the key, and declines (false) whenever the
///    general path would prepare, stall, dirty, transfer a key or a string, or reach a gate or a handler.
/// I2 When it answers, the answer (result, W0, W1; W2, W3, string length and key info zero) is the general
///    path's on the same registers and state (KernelFastPathTests.EveryCaseAgreesWithTheGeneralPath).
/// </remarks>
public static unsafe class KernelFastPath
{
    /// <summary>The answer of <see cref="TryAnswer"/> when it declines (no result code is this large).</summary>
    public const ulong Declined = ulong.MaxValue;

    /// <summary>
    /// Tries the invocation of <paramref name="invoker"/> given by its registers: <paramref name="word"/> (key register,
    /// type), <paramref name="order"/>, and the sent string length, sent key registers and receive key registers.
    /// Returns the result code, with W0 and W1 written to <paramref name="w0"/> and <paramref name="w1"/> (on metal,
    /// the trap frame's rsi and rdx); or <see cref="Declined"/>, with nothing written (I1).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ulong TryAnswer(ProcessEntry* invoker, ulong word, uint order, ulong stringLength, uint sendKeys, uint receiveKeys,
        ulong* w0, ulong* w1)
    {
        InvocationType type = (InvocationType)(byte)(word >> 8);
        int register = (byte)word;
        if ((type != InvocationType.Call && type != InvocationType.Send) || (stringLength | sendKeys | receiveKeys) != 0
            || register >= Node.SlotCount)
        {
            return Declined;
        }

        Key* key = invoker->KeyRegister(register);
        if (key == null || key->Type == KeyType.Void)
        {
            *w0 = 0;
            *w1 = 0;
            return (ulong)InvocationResult.Void; // Dispatcher.Route: no key
        }

        KeyType keyType = key->Type;
        if (keyType == KeyType.Number)
        {
            return AnswerNumber(key, order, w0, w1);
        }

        if (order != KeyOrder.AllegedKeyType || KeyTypes.IsGate(keyType) || (KeyTypes.IsObject(keyType) && !key->IsPrepared))
        {
            return Declined; // a handler, a gate, or a key to prepare (which may stall or find it rescinded)
        }

        *w0 = (ulong)keyType; // KernelKeys.Invoke: every kernel key answers KT with its type
        *w1 = 0;
        return (ulong)InvocationResult.Ok;
    }

    /// <summary>The number key's orders (<see cref="KernelKeys"/> KT, <see cref="NumberKey"/> the rest).</summary>
    private static ulong AnswerNumber(Key* key, uint order, ulong* w0, ulong* w1)
    {
        if (order == KeyOrder.AllegedKeyType)
        {
            *w0 = (ulong)KeyType.Number;
            *w1 = 0;
            return (ulong)InvocationResult.Ok;
        }

        if (order != NumberKey.Value)
        {
            *w0 = 0;
            *w1 = 0;
            return (ulong)InvocationResult.UnknownOrder;
        }

        *w0 = key->Word(0) | ((ulong)key->Word(1) << 32);
        *w1 = key->Word(2);
        return (ulong)InvocationResult.Ok;
    }
}
