using CapOS.Kernel.Invocation;

namespace CapOS.Runtime;

/// <summary>
/// The process tool in a key register (<see cref="ProcessToolOrder"/>; docs/invocation.md "Process tool"): how a
/// constructor recognises its products by their brand, and how the process creator makes process keys from nodes.
/// </summary>
public readonly unsafe struct ProcessToolKeyRef
{
    public ProcessToolKeyRef(byte register) => Register = register;

    /// <summary>The key register holding the process tool.</summary>
    public byte Register { get; }

    /// <summary>
    /// A process key to the process of the start key in <paramref name="startKey"/> into <paramref name="into"/>,
    /// when its brand is the key in <paramref name="brandKey"/> (else NoAccess).
    /// </summary>
    public InvocationResult MakeProcessKey(byte startKey, byte brandKey, byte into) =>
        Call(ProcessToolOrder.MakeProcessKey, startKey, brandKey, into, out _);

    /// <summary>Whether the start key's process carries the brand, and then the start key's key info.</summary>
    public InvocationResult IdentifyStartKey(byte startKey, byte brandKey, out bool branded, out ulong keyInfo)
    {
        InvocationResult result = Call(ProcessToolOrder.IdentifyStartKey, startKey, brandKey, 0, out InvocationResponse reply);
        branded = reply.W0 == 1;
        keyInfo = reply.W1;
        return result;
    }

    /// <summary>A process key to the node of the node key in <paramref name="nodeKey"/> (unrestricted) into <paramref name="into"/> (the process creator's order).</summary>
    public InvocationResult MakeProcessKeyFromNode(byte nodeKey, byte into) =>
        Call(ProcessToolOrder.MakeProcessKeyFromNode, nodeKey, 0, into, out _);

    private InvocationResult Call(uint order, byte startKey, byte brandKey, byte into, out InvocationResponse reply)
    {
        InvocationMessage message = default;
        message.KeyRegister = Register;
        message.Order = order;
        message.SendKeys = startKey | ((ulong)brandKey << 8);
        message.ReceiveKeys = into;
        InvocationResponse response;
        InvocationResult result = Keys.Invoke(&message, &response);
        reply = response;
        return result;
    }
}
