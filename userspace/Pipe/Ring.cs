using System.Runtime;
using System.Runtime.CompilerServices;

namespace CapOS.Pipe;

/// <summary>
/// The pipe's bounded buffer: <see cref="PipeProtocol.Capacity"/> bytes in the process's own pages
/// (Buffers.X64.asm), a head and a count in its data page; so all of it is in the store.
/// </summary>
/// <remarks>
/// R1 0 &lt;= s_count &lt;= Capacity and s_head &lt; Capacity; the bytes buffered are s_count bytes from s_head,
///    wrapping at Capacity (PipeTests.TheStreamArrivesWholeAndInOrder checks the order end to end).
/// Only the server's loop (Program.cs) changes them.
/// </remarks>
internal static unsafe class Ring
{
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
        ulong tail = (s_head + s_count) % PipeProtocol.Capacity;
        ulong first = PipeProtocol.Capacity - tail < taken ? PipeProtocol.Capacity - tail : taken;
        Copy(from, Bytes() + tail, first);
        Copy(from + first, Bytes(), taken - first);
        s_count += taken;
        return taken;
    }

    /// <summary>
    /// Removes up to <paramref name="wanted"/> bytes; returns where they are (in the ring when they are contiguous
    /// and <paramref name="stable"/> allows; else copied to the send buffer) and their number in <paramref name="length"/>.
    /// The bytes stay valid until the next <see cref="Append"/> (a reply is sent before that, unless
    /// <paramref name="stable"/> is false: then they are always copied).
    /// </summary>
    public static byte* Take(ulong wanted, bool stable, out ulong length)
    {
        length = wanted < s_count ? wanted : s_count;
        byte* at = Bytes() + s_head;
        ulong first = PipeProtocol.Capacity - s_head;
        if (!stable || first < length)
        {
            ulong part = first < length ? first : length;
            Copy(at, SendBuffer(), part);
            Copy(Bytes(), SendBuffer() + part, length - part);
            at = SendBuffer();
        }

        s_head = (s_head + length) % PipeProtocol.Capacity;
        s_count -= length;
        return at;
    }

    /// <summary>Copies <paramref name="length"/> bytes between two of the pipe's buffers (never overlapping): <c>rep movsq</c>.</summary>
    [MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("*", "pipe_copy")]
    public static extern void Copy(byte* from, byte* to, ulong length);

    [MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("*", "pipe_ring")]
    private static extern byte* Bytes();

    [MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("*", "pipe_send")]
    private static extern byte* SendBuffer();
}
