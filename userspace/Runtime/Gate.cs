using CapOS.Kernel.Invocation;

namespace CapOS.Runtime;

/// <summary>
/// Talking to processes through start and resume keys (docs/invocation.md "Gates"): a client calls a start key
/// and gets the reply; a server returns through the resume key it was given and waits for the next message.
/// </summary>
public static unsafe class Gate
{
    /// <summary>Calls the key in <paramref name="register"/> with <paramref name="order"/> and <paramref name="w0"/>; the reply in <paramref name="reply"/>.</summary>
    public static InvocationResult Call(byte register, uint order, ulong w0, InvocationResponse* reply)
    {
        InvocationMessage message = default;
        message.KeyRegister = register;
        message.Order = order;
        message.W0 = w0;
        return Keys.Invoke(&message, reply);
    }

    /// <summary>KT on the key in <paramref name="register"/>: its alleged type in <paramref name="type"/> (0 unless Ok), and the result (Void for a void or rescinded key).</summary>
    public static InvocationResult AllegedType(byte register, out ulong type)
    {
        InvocationResponse reply;
        InvocationResult result = Call(register, KeyOrder.AllegedKeyType, 0, &reply);
        type = result == InvocationResult.Ok ? reply.W0 : 0;
        return result;
    }

    /// <summary>
    /// A server's turn: sends <paramref name="answer"/> through the key in its register (a resume key; register
    /// 0 for a server's first wait), then waits; <paramref name="next"/> gets the next message (its order in
    /// Result, the start key's key info in KeyInfo). The caller's resume key arrives in
    /// <paramref name="resumeRegister"/>.
    /// </summary>
    public static void ReturnAndWait(byte register, InvocationMessage* answer, byte resumeRegister, InvocationResponse* next)
    {
        answer->KeyRegister = Keys.Register(register, InvocationType.Return);
        answer->ReceiveKeys = (answer->ReceiveKeys & 0x00FF_FFFF) | ((ulong)resumeRegister << 24);
        Keys.Invoke(answer, next);
    }
}
