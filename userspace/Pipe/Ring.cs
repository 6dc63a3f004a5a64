using System.Runtime;
using System.Runtime.CompilerServices;

namespace CapOS.Pipe;

/// <summary>
/// The pipe's bounded buffer: at most <see cref="PipeProtocol.Capacity"/> bytes in a ring of <see cref="RingBytes"/>
/// (twice as many) in the process's own pages (Buffers.X64.asm), a head and a count in its data page; so all of it is
/// in the store.
/// </summary>
/// <remarks>
/// R1 0 &lt;= s_count &lt;= Capacity and s_head &lt; RingBytes; the bytes buffered are s_count bytes from s_head,
///    wrapping at RingBytes (PipeTests.TheStreamArrivesWholeAndInOrder checks the order end to end).
/// R2 A run <see cref="Take"/> returned is not overwritten by the <see cref="Append"/>s before the reply that carries
///    it leaves: Take removes a contiguous run of n &lt;= Capacity bytes from the head, and Appends after it write from
///    the tail on, at most Capacity - (count - n) bytes, so they end at most Capacity + n bytes after the run's start,
///    within RingBytes = 2 x Capacity: never on the run. So a reply is sent from the ring itself, never copied, even
///    when a parked writer's bytes move in before it leaves (PipeTests.TheStreamArrivesWholeAndInOrder: a ring of
///    Capacity bytes would corrupt the stream there).
/// R3 A message is received at the tail only when <see cref="PipeProtocol.MaxTransfer"/> bytes run from there to the
///    ring's end, so the kernel writes nothing outside the ring and nothing on buffered bytes (the free space past the
///    tail is RingBytes - count >= MaxTransfer); a Write's bytes past the free space are moved to the pending buffer.
/// R4 The rest of a write received at the tail that did not fit stays where it arrived, right after the buffered bytes,
///    and becomes buffered by <see cref="Commit"/> as room appears; while it is there no message is received into the
///    ring (Program: not while a writer is parked), and R2 holds for it as for an Append (it ends within Capacity of the
///    tail it arrived at). PipeTests.TheStreamArrivesWholeAndInOrderAndBothSidesWait: its reader's Reads carry a junk
///    string, which lands on the parked rest if the guard goes.
/// Only the server's loop (Program.cs) changes them.
/// </remarks>
internal static unsafe class Ring
{
    /// <summary>The ring's size: twice <see cref="PipeProtocol.Capacity"/> (R2).</summary>
    public const ulong RingBytes = 2 * PipeProtocol.Capacity;

    /// <summary>Index of the oldest buffered byte.</summary>
    private static ulong s_head;

    /// <summary>Bytes buffered.</summary>
    private static ulong s_count;

    public static ulong Count => s_count;

    public static ulong Free => PipeProtocol.Capacity - s_count;

    /// <summary>Appends as many of <paramref name="length"/> bytes at <paramref name="from"/> as fit; returns how many.</summary>
    public static ulong Append(byte* from, ulong length)
    {
        ulong taken = length < Free ? length : Free;
        ulong tail = (s_head + s_count) % RingBytes;
        ulong first = RingBytes - tail < taken ? RingBytes - tail : taken;
        Copy(from, Bytes() + tail, first);
        Copy(from + first, Bytes(), taken - first);
        s_count += taken;
        return taken;
    }

    /// <summary>
    /// Where the next message's string may be received straight into the ring (R3): the tail, when
    /// <see cref="PipeProtocol.MaxTransfer"/> bytes run from it to the ring's end; else null. An empty ring starts again
    /// at 0 first (no reply is in flight once the next message arrives: the reply leaves before the wait).
    /// </summary>
    public static byte* ReceiveAt()
    {
        if (s_count == 0)
        {
            s_head = 0;
        }

        ulong tail = (s_head + s_count) % RingBytes;
        return RingBytes - tail >= PipeProtocol.MaxTransfer ? Bytes() + tail : null;
    }

    /// <summary>A string of <paramref name="length"/> bytes arrived at <see cref="ReceiveAt"/>: as many as fit become
    /// buffered bytes (no copy); returns how many. The rest lies past the free space, for the caller to move out.</summary>
    public static ulong Commit(ulong length)
    {
        ulong taken = length < Free ? length : Free;
        s_count += taken;
        return taken;
    }

    /// <summary>
    /// Removes up to <paramref name="wanted"/> bytes, no more than run contiguously from the head (a read that would
    /// wrap gets the part up to the ring's end; the reader reads again); returns where they are in the ring and their
    /// number in <paramref name="length"/>. They stay as they are until the reply that carries them leaves (R2).
    /// </summary>
    public static byte* Take(ulong wanted, out ulong length)
    {
        ulong contiguous = RingBytes - s_head;
        length = wanted < s_count ? wanted : s_count;
        length = length < contiguous ? length : contiguous;
        byte* at = Bytes() + s_head;
        s_head = (s_head + length) % RingBytes;
        s_count -= length;
        return at;
    }

    /// <summary>The ring's first byte.</summary>
    public static byte* Start => Bytes();

    /// <summary>Copies <paramref name="length"/> bytes between two of the pipe's buffers (never overlapping): <c>rep movsq</c>.</summary>
    [MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("*", "pipe_copy")]
    public static extern void Copy(byte* from, byte* to, ulong length);

    [MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("*", "pipe_ring")]
    private static extern byte* Bytes();
}
