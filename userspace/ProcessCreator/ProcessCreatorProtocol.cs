namespace CapOS.ProcessCreator;

/// <summary>
/// The process creator's protocol, shared with its clients (STYLE.md; docs/services.md "Process creator"). The
/// process creator is a primordial server (`process-creator`) and the only holder of the process tool: it turns
/// three objects bought from the caller's bank into a process. Results are InvocationResult codes.
/// </summary>
public static class ProcessCreatorProtocol
{
    /// <summary>
    /// Sent 0 = a bank key (verified with the bank server), sent 1 = the brand (any key, or void), sent 2 = a sched key
    /// (or void): buys a root and a key registers node and a register annex page from the bank and lays the root out
    /// (<see cref="InitialState"/>, empty key registers, a zero annex). Reply key 0 = a process key to it, key 1 = a node
    /// key to its root (what <see cref="DestroyProcess"/> takes). RequestError: not a bank, or sent 2 not a sched key;
    /// the bank's NoMorePages / NoMoreNodes are passed on with nothing bought kept.
    /// </summary>
    public const uint CreateProcess = 1;

    /// <summary>
    /// Sent 0 = the bank it was made from, sent 1 = the node key to its root that <see cref="CreateProcess"/> answered:
    /// the root and key registers node, then the annex, go back to the bank (rescinded: the process leaves the process
    /// table, every key to it reads void). RequestError: not an unrestricted node key, not a process root the bank owns.
    /// </summary>
    public const uint DestroyProcess = 2;

    /// <summary>The run state a new process starts in (RunState.Available): it waits for a message, and none can come until its holder makes a start key.</summary>
    public const ulong InitialState = 1;

    /// <summary>What the process creator answers to KT.</summary>
    public const ulong AllegedType = 0x1_0007;
}
