using System.Runtime;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using CapOS.Kernel.Invocation;

namespace CapOS.Runtime;

/// <summary>
/// One key invocation as the program sees it: EROS's argument shape (invoked key
/// register, order code, four data words, one string, four keys sent, four key
/// registers to receive into, a buffer for the reply string). 12 quadwords; the
/// stub (Runtime.X64.asm) moves them into registers (docs/boot.md "Syscall ABI").
/// </summary>
[StructLayout(LayoutKind.Sequential)]
public unsafe struct InvocationMessage
{
    /// <summary>Bits 0..7: the key register invoked; bits 8..15: the <see cref="InvocationType"/> (0 = call).</summary>
    public ulong KeyRegister;
    public ulong Order;
    public ulong W0;
    public ulong W1;
    public ulong W2;
    public ulong W3;
    public byte* String;
    public ulong StringLength;

    /// <summary>Key registers sent, one per byte (low byte first).</summary>
    public ulong SendKeys;

    /// <summary>Key registers receiving the reply's keys, one per byte.</summary>
    public ulong ReceiveKeys;
    public byte* ReceiveBuffer;
    public ulong ReceiveCapacity;
}

/// <summary>
/// The reply (or, after a return, the next message): result (or order) code, four data words, length of the
/// string received, and the key info of the start key the sender invoked (0 in a reply).
/// </summary>
[StructLayout(LayoutKind.Sequential)]
public struct InvocationResponse
{
    public InvocationResult Result;
    public ulong W0;
    public ulong W1;
    public ulong W2;
    public ulong W3;
    public ulong StringLength;
    public ulong KeyInfo;
}

/// <summary>Key invocation, the only way a program talks to anything.</summary>
public static unsafe class Keys
{
    /// <summary>Key register 1 holds the console key at start.</summary>
    public const byte ConsoleKey = 1;

    /// <summary>Key register 2 holds a key to the program's own process.</summary>
    public const byte SelfKey = 2;

    /// <summary>Key register 3 holds the checkpoint key (CheckpointOrder).</summary>
    public const byte CheckpointKey = 3;

    /// <summary>Invokes (CALL) the key in <paramref name="message"/>.KeyRegister and waits for the reply.</summary>
    public static InvocationResult Invoke(InvocationMessage* message, InvocationResponse* reply)
    {
        Stub(message, reply);
        return reply->Result;
    }

    /// <summary>The register word for invoking <paramref name="register"/> with <paramref name="type"/>.</summary>
    public static ulong Register(byte register, InvocationType type) => register | ((ulong)type << 8);

    /// <summary>Ends the program (halt order on the process key to itself). Does not return.</summary>
    public static void Exit()
    {
        InvocationMessage message = default;
        message.KeyRegister = SelfKey;
        message.Order = ProcessOrder.Halt;
        InvocationResponse reply;
        Stub(&message, &reply);
        for (;;)
        {
        }
    }

    [MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("*", "capos_invoke")]
    private static extern void Stub(InvocationMessage* message, InvocationResponse* reply);

    [UnmanagedCallersOnly(EntryPoint = "CapOSUserExit")]
    private static void ExitAfterMain() => Exit();
}
