using CapOS.Kernel.Invocation;

namespace CapOS.Runtime;

/// <summary>A process key in a key register (docs/invocation.md "Process key"; orders <see cref="ProcessOrder"/>).</summary>
public readonly unsafe struct ProcessKeyRef(byte register)
{
    /// <summary>The key register holding the process key.</summary>
    public byte Register { get; } = register;

    /// <summary>Copies root slot <paramref name="slot"/> into key register <paramref name="into"/>.</summary>
    public InvocationResult CopyRootSlot(int slot, byte into) => Order(ProcessOrder.CopyRootSlot, (ulong)slot, 0, into);

    /// <summary>Root slot <paramref name="slot"/> gets the key in <paramref name="from"/>; the old key goes to <paramref name="into"/>.</summary>
    public InvocationResult SwapRootSlot(int slot, byte from, byte into) => Order(ProcessOrder.SwapRootSlot, (ulong)slot, from, into);

    /// <summary>Copies the process's key register <paramref name="index"/> into our register <paramref name="into"/>.</summary>
    public InvocationResult CopyKeyRegister(int index, byte into) => Order(ProcessOrder.CopyKeyRegister, (ulong)index, 0, into);

    /// <summary>The process's key register <paramref name="index"/> gets our <paramref name="from"/>; the old key goes to <paramref name="into"/>.</summary>
    public InvocationResult SwapKeyRegister(int index, byte from, byte into) => Order(ProcessOrder.SwapKeyRegister, (ulong)index, from, into);

    /// <summary>A start key to the process with <paramref name="keyInfo"/>, into <paramref name="into"/>.</summary>
    public InvocationResult MakeStartKey(ushort keyInfo, byte into) => Order(ProcessOrder.MakeStartKey, keyInfo, 0, into);

    /// <summary>Makes it Running with its fault cleared (a keeper's "fix and go").</summary>
    public InvocationResult MakeRunning() => Order(ProcessOrder.MakeRunning, 0, 0, 0);

    /// <summary>Makes it Available (waiting for a message).</summary>
    public InvocationResult MakeAvailable() => Order(ProcessOrder.MakeAvailable, 0, 0, 0);

    /// <summary>Stops it for good.</summary>
    public InvocationResult Halt() => Order(ProcessOrder.Halt, 0, 0, 0);

    /// <summary>Its run state, fault code and fault info.</summary>
    public InvocationResult GetState(out ulong state, out ulong faultCode, out ulong faultInfo)
    {
        InvocationMessage message = default;
        message.KeyRegister = Register;
        message.Order = ProcessOrder.GetState;
        InvocationResponse reply;
        InvocationResult result = Keys.Invoke(&message, &reply);
        state = reply.W0;
        faultCode = reply.W1;
        faultInfo = reply.W2;
        return result;
    }

    /// <summary>Reads its general registers (<see cref="ProcessOrder.RegisterBytes"/> bytes, RegisterAnnex layout) into <paramref name="file"/>.</summary>
    public InvocationResult GetRegisters(byte* file)
    {
        InvocationMessage message = default;
        message.KeyRegister = Register;
        message.Order = ProcessOrder.GetRegisters;
        message.ReceiveBuffer = file;
        message.ReceiveCapacity = ProcessOrder.RegisterBytes;
        InvocationResponse reply;
        return Keys.Invoke(&message, &reply);
    }

    /// <summary>Sets its general registers from <paramref name="file"/> (<see cref="ProcessOrder.RegisterBytes"/> bytes).</summary>
    public InvocationResult SetRegisters(byte* file)
    {
        InvocationMessage message = default;
        message.KeyRegister = Register;
        message.Order = ProcessOrder.SetRegisters;
        message.String = file;
        message.StringLength = ProcessOrder.RegisterBytes;
        InvocationResponse reply;
        return Keys.Invoke(&message, &reply);
    }

    private InvocationResult Order(uint order, ulong w0, byte send, byte receive) => KeyCall.Call(Register, order, w0, 0, 0, send, receive, out _);
}
