using CapOS.Kernel.Invocation;
using CapOS.Runtime;

namespace CapOS.SpaceBank;

/// <summary>
/// A bank key in a key register: typed wrappers over <see cref="BankProtocol"/> (docs/services.md "Space bank").
/// Clients link this file with BankProtocol.cs.
/// </summary>
public readonly unsafe struct BankKeyRef(byte register)
{
    /// <summary>The key register holding the bank key.</summary>
    public byte Register { get; } = register;

    /// <summary><paramref name="n"/> (1..3) fresh pages; their keys into registers <paramref name="into"/>.. (n of them; no other register is written).</summary>
    public InvocationResult AllocPages(ulong n, byte into) => Call(BankProtocol.AllocPages, n, 0, 0, Receive(into, n), out _);

    /// <summary><paramref name="n"/> (1..3) fresh nodes; their keys into registers <paramref name="into"/>.. (n of them; no other register is written).</summary>
    public InvocationResult AllocNodes(ulong n, byte into) => Call(BankProtocol.AllocNodes, n, 0, 0, Receive(into, n), out _);

    /// <summary>Reclaims the <paramref name="n"/> pages whose keys are in registers <paramref name="keys"/> (one per byte).</summary>
    public InvocationResult ReclaimPages(ulong n, ulong keys) => Call(BankProtocol.ReclaimPages, n, 0, keys, 0, out _);

    /// <summary>Reclaims the <paramref name="n"/> nodes whose keys are in registers <paramref name="keys"/> (one per byte).</summary>
    public InvocationResult ReclaimNodes(ulong n, ulong keys) => Call(BankProtocol.ReclaimNodes, n, 0, keys, 0, out _);

    /// <summary>A key to a new child bank into <paramref name="into"/>.</summary>
    public InvocationResult CreateChild(byte into) => Call(BankProtocol.CreateChild, 0, 0, 0, into, out _);

    public InvocationResult SetLimits(ulong pages, ulong nodes) => Call(BankProtocol.SetLimits, pages, nodes, 0, 0, out _);

    /// <summary>Limits and what this bank and its descendants hold.</summary>
    public InvocationResult GetLimits(out ulong pageLimit, out ulong nodeLimit, out ulong pages, out ulong nodes)
    {
        InvocationResult result = Call(BankProtocol.GetLimits, 0, 0, 0, 0, out InvocationResponse reply);
        pageLimit = reply.W0;
        nodeLimit = reply.W1;
        pages = reply.W2;
        nodes = reply.W3;
        return result;
    }

    public InvocationResult DestroyWithObjects() => Call(BankProtocol.DestroyWithObjects, 0, 0, 0, 0, out _);

    public InvocationResult DestroyReturningObjects() => Call(BankProtocol.DestroyReturningObjects, 0, 0, 0, 0, out _);

    /// <summary>Forbids the orders in <paramref name="mask"/> (BankProtocol.PrecludeDestroy, PrecludeLimits).</summary>
    public InvocationResult Preclude(ulong mask) => Call(BankProtocol.Preclude, mask, 0, 0, 0, out _);

    /// <summary>Whether the key in register <paramref name="key"/> is a key to a live bank of this server.</summary>
    public InvocationResult Verify(byte key, out bool isBank)
    {
        InvocationResult result = Call(BankProtocol.Verify, 0, 0, key, 0, out InvocationResponse reply);
        isBank = reply.W0 == 1;
        return result;
    }

    /// <summary>The server's self-check (<see cref="BankProtocol.Audit"/>): <paramref name="code"/> is AuditOk or the first rule broken.</summary>
    public InvocationResult Audit(out ulong code, out ulong where, out ulong banks, out ulong objects)
    {
        InvocationResult result = Call(BankProtocol.Audit, 0, 0, 0, 0, out InvocationResponse reply);
        code = reply.W0;
        where = reply.W1;
        banks = reply.W2;
        objects = reply.W3;
        return result;
    }

    /// <summary>Whether this bank owns the object whose key is in <paramref name="key"/>, and whether any live bank does.</summary>
    public InvocationResult Owns(byte key, out bool mine, out bool owned)
    {
        InvocationResult result = Call(BankProtocol.Owns, 0, 0, key, 0, out InvocationResponse reply);
        mine = reply.W0 == 1;
        owned = reply.W1 == 1;
        return result;
    }

    /// <summary>Registers into, into + 1, ... for n reply keys; the others 0 (a reply key not received), so no register past the n-th is overwritten.</summary>
    private static ulong Receive(byte into, ulong n)
    {
        ulong registers = 0;
        for (int i = 0; i < (int)n && i < 3; i++)
        {
            registers |= (ulong)(byte)(into + i) << (8 * i);
        }

        return registers;
    }

    private InvocationResult Call(uint order, ulong w0, ulong w1, ulong send, ulong receive, out InvocationResponse reply)
    {
        InvocationMessage message = default;
        message.KeyRegister = Register;
        message.Order = order;
        message.W0 = w0;
        message.W1 = w1;
        message.SendKeys = send;
        message.ReceiveKeys = receive;
        InvocationResponse response;
        InvocationResult result = Keys.Invoke(&message, &response);
        reply = response;
        return result;
    }
}
