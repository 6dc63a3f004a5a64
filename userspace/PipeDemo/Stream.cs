namespace CapOS.PipeDemo;

/// <summary>
/// The byte stream the writer pushes through the pipe and the reader checks, byte by byte: each byte a function
/// of its position (so a lost, repeated or reordered block shows), with an FNV-1a 64 checksum. PipeTests computes
/// the same figures on the host.
/// </summary>
internal static class Stream
{
    /// <summary>Bytes in the stream: eight times the pipe's buffer and a little more (not a multiple of any chunk).</summary>
    public const ulong Length = (512 * 1024) + 123;

    /// <summary>Where the slow reader (writer blocks) gives way to the slow writer (reader blocks).</summary>
    public const ulong Half = 256 * 1024;

    /// <summary>Where the writer, once the reader is parked, asks for a checkpoint (PipeTests' crash point).</summary>
    public const ulong CheckpointAt = 320 * 1024;

    public const ulong FnvOffset = 0xCBF2_9CE4_8422_2325;

    private const ulong FnvPrime = 0x100_0000_01B3;

    public static byte At(ulong position) => (byte)((position * 0x9E37_79B9_7F4A_7C15) >> 56);

    public static ulong Sum(ulong sum, byte value) => (sum ^ value) * FnvPrime;
}
