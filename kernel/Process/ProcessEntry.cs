using System.Runtime.InteropServices;
using CapOS.Kernel.NodeTree;
using CapOS.Kernel.ObjectCache;

namespace CapOS.Kernel.Process;

/// <summary>
/// One entry of the process table: the cached form of a process whose root node is in the object cache
/// (docs/process.md "Definitions"; EROS process cache, KeyKOS domain cache).
/// </summary>
/// <remarks>
/// Fields are written only by <see cref="ProcessTable"/> (everything but the context) and the trap path
/// (the context, through the user-mode seam, which then sets <see cref="ProcessFlags.ContextChanged"/>).
/// I1 <see cref="Context"/> is at offset 0 and the entry size (1152) is a multiple of 64 (ProcessTableTests), so the machine half may
///    keep 16-byte-aligned state in it (x86-64: FXSAVE) when the table is page-aligned (ProcessTable I4).
/// I2 A loaded entry pins <see cref="RootFrame"/>, <see cref="KeyRegistersFrame"/> and <see cref="AnnexFrame"/>
///    (docs/process.md P2).
/// </remarks>
[StructLayout(LayoutKind.Sequential)]
public unsafe struct ProcessEntry
{
    /// <summary>Bytes of machine context (the saved user registers), laid out by the machine half.</summary>
    public const int ContextSize = 1024;

    /// <summary>The saved user registers while the process is off the CPU (I1).</summary>
    public fixed byte Context[ContextSize];

    /// <summary>The process root's OID.</summary>
    public Oid Root;

    /// <summary>The root node's frame (pinned while loaded).</summary>
    public ObjectHeader* RootFrame;

    /// <summary>The key registers node's frame (pinned while loaded).</summary>
    public ObjectHeader* KeyRegistersFrame;

    /// <summary>The key registers node's body (its slots), kept beside the pinned frame for the invocation path (set by Load).</summary>
    public Node* KeyRegistersBody;

    /// <summary>The register annex page's frame (pinned while loaded).</summary>
    public ObjectHeader* AnnexFrame;

    /// <summary>Root of the hardware address space (a physical address the machine half defines); 0 = none yet.</summary>
    public ulong AddressSpace;

    /// <summary>The fault info of the last fault (root slot 9), e.g. the faulting address.</summary>
    public ulong FaultInfo;

    /// <summary>
    /// While on the sleep queue (<see cref="StallReason.Sleep"/>): the persistent time in ms at which it is woken.
    /// Kernel state only (Stall); the deadline itself is in the process's registers (docs/invocation.md "Sleep key").
    /// </summary>
    public ulong WakeTime;

    /// <summary>1-based table index, for console lines; 0 in a free entry.</summary>
    public uint Pid;

    /// <summary>Run state (root slot 8 word0).</summary>
    public RunState State;

    /// <summary>Fault code (root slot 8 word1): nonzero parks the process.</summary>
    public uint FaultCode;

    /// <summary>The next process on the same stall queue (a Pid; 0 ends it). Kernel state only (Stall).</summary>
    public uint StallNext;

    /// <summary>First and last Pid waiting to send to this process (its wait queue; 0: empty). Kernel state only (Stall).</summary>
    public uint WaitHead;

    /// <summary>Last Pid on this process's wait queue.</summary>
    public uint WaitTail;

    /// <summary>The Pid woken from the wait queue that alone may deliver to this Available process next (0: anyone).</summary>
    public uint ReservedFor;

    /// <summary>The next loaded process in the same root-index bucket (a Pid; 0 ends it). Kernel state only (ProcessTable.Index.cs).</summary>
    public uint RootNext;

    /// <summary>Loaded, changed since the last write-back.</summary>
    public ProcessFlags Flags;

    /// <summary>The stall queue this process is on (None: runnable if Running). Kernel state only, never written back.</summary>
    public StallReason Stalled;

    /// <summary>While Stalled is ObjectRead: the cache's read slot it waits for. Kernel state only (Stall).</summary>
    public byte StallRead;

    private fixed byte _padding[29];

    /// <summary>True when the entry holds a process loaded from its nodes.</summary>
    public readonly bool InUse => (Flags & ProcessFlags.Loaded) != 0;

    /// <summary>True when the scheduler may run it: in use, Running, no fault.</summary>
    public readonly bool Runnable
    {
        [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
        get => InUse && State == RunState.Running && FaultCode == 0 && Stalled == StallReason.None;
    }

    /// <summary>Key register <paramref name="index"/> of a loaded process; null for register 0 (always void, P1) or a bad index.</summary>
    public readonly Key* KeyRegister(int index) =>
        (uint)(index - 1) >= Node.SlotCount - 1 || KeyRegistersBody == null ? null : &((Key*)KeyRegistersBody)[index];
}
