namespace CapOS.SpaceBank;

/// <summary>
/// The space bank's protocol, shared with its clients (STYLE.md: one protocol file per service; docs/services.md
/// "Space bank"). A bank key is a start key to the bank server whose key info names the bank. Results are
/// <see cref="CapOS.Kernel.Invocation.InvocationResult"/> codes: Ok, RequestError (bad arguments), NoAccess
/// (precluded, or the prime bank), NoMorePages / NoMoreNodes (a limit of the bank or an ancestor, or the disk),
/// Void (the bank was destroyed: its keys act as rescinded keys), UnknownOrder.
/// </summary>
public static class BankProtocol
{
    /// <summary>W0 = n (1..3): reply keys 0..n-1 = page keys to fresh zero pages.</summary>
    public const uint AllocPages = 1;

    /// <summary>W0 = n (1..3): reply keys 0..n-1 = node keys to fresh blank nodes.</summary>
    public const uint AllocNodes = 2;

    /// <summary>W0 = n (1..3), sent keys 0..n-1 = page keys this bank allocated: each is rescinded (every key to it reads void) and freed. All or none.</summary>
    public const uint ReclaimPages = 3;

    /// <summary>As <see cref="ReclaimPages"/> for node keys.</summary>
    public const uint ReclaimNodes = 4;

    /// <summary>Reply key 0 = a bank key to a new child bank (no limits of its own; its allocations count against this bank and its ancestors).</summary>
    public const uint CreateChild = 5;

    /// <summary>W0 = page limit, W1 = node limit (<see cref="NoLimit"/> or above: none). NoAccess when limits are precluded.</summary>
    public const uint SetLimits = 6;

    /// <summary>Reply W0 = page limit, W1 = node limit, W2 = pages, W3 = nodes allocated through this bank and its descendants.</summary>
    public const uint GetLimits = 7;

    /// <summary>Destroys the bank and its descendants and rescinds every object they allocated. NoAccess: the prime bank, or destroy precluded.</summary>
    public const uint DestroyWithObjects = 8;

    /// <summary>Destroys the bank and its descendants; the objects they allocated now belong to its parent.</summary>
    public const uint DestroyReturningObjects = 9;

    /// <summary>W0 = a mask of <see cref="PrecludeDestroy"/> and <see cref="PrecludeLimits"/>: forbids those orders on this bank from now on.</summary>
    public const uint Preclude = 10;

    /// <summary>Sent key 0 = any key: reply W0 = 1 when it is a key to a live bank of this server, else 0.</summary>
    public const uint Verify = 11;

    /// <summary>
    /// Any live bank key: the server checks its own records (BankAudit A1-A5) and replies W0 = <see cref="AuditOk"/>
    /// or the first rule broken, W1 = where (a bank, offset or extent; the kind, 1 pages or 2 nodes, in bits 32..),
    /// W2 = live banks, W3 = pages owned &lt;&lt; 32 | nodes owned. Changes nothing.
    /// </summary>
    public const uint Audit = 12;

    /// <summary>
    /// Sent key 0 = any key: reply W0 = 1 when it is a live page or node of this server that this bank owns (not a
    /// descendant), else 0; W1 = 1 when some live bank of this server owns it, else 0. Changes nothing.
    /// </summary>
    public const uint Owns = 13;

    /// <summary>Audit: every rule holds.</summary>
    public const ulong AuditOk = 0;

    /// <summary>Audit A1: the prime bank is dead, or a live bank's parent is dead or not below it.</summary>
    public const ulong AuditTree = 1;

    /// <summary>Audit A2: an object is owned by a dead bank.</summary>
    public const ulong AuditDeadOwner = 2;

    /// <summary>Audit A3: an extent's use count is not its number of owned objects.</summary>
    public const ulong AuditExtentUse = 3;

    /// <summary>Audit A4: the free count is not the number of unowned objects.</summary>
    public const ulong AuditFreeCount = 4;

    /// <summary>Audit A5: a bank's count is not what it and its live descendants own.</summary>
    public const ulong AuditBankCount = 5;

    /// <summary>Preclude mask bit: destroy orders answer NoAccess.</summary>
    public const ulong PrecludeDestroy = 1;

    /// <summary>Preclude mask bit: SetLimits answers NoAccess.</summary>
    public const ulong PrecludeLimits = 2;

    /// <summary>A limit this large or larger means none.</summary>
    public const ulong NoLimit = uint.MaxValue;

    /// <summary>The most objects one allocation or reclaim moves (EROS: 1 to 3).</summary>
    public const ulong MaxPerCall = 3;

    /// <summary>What a live bank answers to KT.</summary>
    public const ulong AllegedType = 0x1_0003;
}
