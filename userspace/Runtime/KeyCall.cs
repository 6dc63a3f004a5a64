using CapOS.Kernel.Invocation;

namespace CapOS.Runtime;

/// <summary>
/// The CALL the typed key wrappers (<see cref="NodeKeyRef"/>, <see cref="PageKeyRef"/>, <see cref="DiscrimKeyRef"/>,
/// <see cref="KeyBitsKeyRef"/>) are made of: a message with the invoked register, the order and words, sent keys and
/// receive registers one per byte (low byte = position 0).
/// </summary>
public static unsafe class KeyCall
{
    /// <summary>A CALL of <paramref name="register"/> with <paramref name="order"/> and W0..W2; no keys, no string.</summary>
    public static InvocationMessage Message(byte register, uint order, ulong w0 = 0, ulong w1 = 0, ulong w2 = 0)
    {
        InvocationMessage message = default;
        message.KeyRegister = register;
        message.Order = order;
        message.W0 = w0;
        message.W1 = w1;
        message.W2 = w2;
        return message;
    }

    /// <summary>Invokes <paramref name="message"/>; the reply's words in <paramref name="reply"/>.</summary>
    public static InvocationResult Call(InvocationMessage message, out InvocationResponse reply)
    {
        InvocationResponse response;
        InvocationResult result = Keys.Invoke(&message, &response);
        reply = response;
        return result;
    }

    /// <summary>A CALL with words, sent keys <paramref name="send"/> and receive registers <paramref name="receive"/> (one per byte).</summary>
    public static InvocationResult Call(byte register, uint order, ulong w0, ulong w1, ulong w2, ulong send, ulong receive, out InvocationResponse reply)
    {
        InvocationMessage message = Message(register, order, w0, w1, w2);
        message.SendKeys = send;
        message.ReceiveKeys = receive;
        return Call(message, out reply);
    }
}
