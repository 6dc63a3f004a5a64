using CapOS.Kernel.Invocation;

namespace CapOS.Pipe;

/// <summary>
/// The pipe's protocol, shared with its clients (STYLE.md: one protocol file per service; docs/services.md
/// "Pipe"). One pipe process hands out two facets, start keys told apart by their key info.
/// </summary>
public static class PipeProtocol
{
    /// <summary>Key info of the writer's start key: Write, Close (Destroy), Status, KT.</summary>
    public const ushort WriterFacet = 1;

    /// <summary>Key info of the reader's start key: Read, Status, KT.</summary>
    public const ushort ReaderFacet = 2;

    /// <summary>
    /// The string goes into the pipe, all of it: replies Ok with W0 = its length, W1 = 1 when the writer had to
    /// wait for room (a full buffer: the pipe keeps the resume key and answers when a reader made room).
    /// </summary>
    public const uint Write = 1;

    /// <summary>
    /// W0 = the most bytes wanted (1..<see cref="MaxTransfer"/>, no more than the caller's receive buffer), W1 = the
    /// least (0 or 1: any; at most W0): replies Ok with a string of 1..W0 bytes, W0 = its length, W1 = 1 when the
    /// reader had to wait; it waits until W1 bytes are buffered, or fewer when no more can come first (the writer
    /// closed, or a writer waits on a full buffer). The string may be shorter than W1 where the buffered bytes wrap
    /// around the ring's end. Or <see cref="EndOfFile"/> once the writer closed and the buffer is empty.
    /// </summary>
    public const uint Read = 2;

    /// <summary>Writer facet: no more writes; the reader gets what is buffered, then <see cref="EndOfFile"/>. Replies Ok.</summary>
    public const uint Close = 3;

    /// <summary>Replies Ok with W0 = bytes buffered, W1 = flags (<see cref="WriterClosedFlag"/>, <see cref="WriterWaitingFlag"/>, <see cref="ReaderWaitingFlag"/>).</summary>
    public const uint Status = 4;

    /// <summary>KT + 1 on the writer facet: the same as <see cref="Close"/> (KeyKOS/EROS: destroying the writer's end).</summary>
    public const uint Destroy = KeyOrder.Destroy;

    /// <summary>What the pipe answers to KT in W0 (W1 = the facet's key info).</summary>
    public const ulong AllegedType = 0x1_0002;

    /// <summary>Bytes the buffer holds.</summary>
    public const ulong Capacity = 65536;

    /// <summary>The longest string one Write or Read moves (the kernel's limit, docs/invocation.md).</summary>
    public const ulong MaxTransfer = 65536;

    /// <summary>Read: the writer closed and nothing is left.</summary>
    public const InvocationResult EndOfFile = (InvocationResult)0x1_0000;

    /// <summary>Write: the writer's end was closed before.</summary>
    public const InvocationResult Closed = (InvocationResult)0x1_0001;

    /// <summary>Write (Read): another writer (reader) is already waiting; try again later.</summary>
    public const InvocationResult Busy = (InvocationResult)0x1_0002;

    /// <summary>Status W1: the writer's end is closed.</summary>
    public const ulong WriterClosedFlag = 1;

    /// <summary>Status W1: a writer waits for room.</summary>
    public const ulong WriterWaitingFlag = 2;

    /// <summary>Status W1: a reader waits for data.</summary>
    public const ulong ReaderWaitingFlag = 4;
}
