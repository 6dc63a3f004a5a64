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

/// <summary>The reply: result code, four data words, length of the string received.</summary>
[StructLayout(LayoutKind.Sequential)]
public struct InvocationResponse
{
    public InvocationResult Result;
    public ulong W0;
    public ulong W1;
    public ulong W2;
    public ulong W3;
    public ulong StringLength;
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

    /// <summary>Ends the program (exit order on the self key). Does not return.</summary>
    public static void Exit()
    {
        InvocationMessage message = default;
        message.KeyRegister = SelfKey;
        message.Order = SelfOrder.Exit;
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
