namespace CapOS.ServicesWorkload;

/// <summary>
/// The pipe's stream (docs/plug.md "The services workload"): record n is 8 bytes, little-endian, n in the low 40
/// bits and a check of n above, so the reader sees a lost, repeated or reordered record by its number. A step of
/// either end moves <see cref="StepBytes"/> (8,192 records), a writer's block of <see cref="BlockBytes"/> at a time.
/// </summary>
internal static class Records
{
    public const ulong RecordBytes = 8;

    public const ulong BlockBytes = 4096;

    public const ulong StepBytes = 16 * BlockBytes;

    public const ulong SequenceMask = (1UL << 40) - 1;

    public static ulong Record(ulong sequence) => (sequence & SequenceMask) | (Check(sequence) << 40);

    /// <summary>The byte at stream position <paramref name="position"/>.</summary>
    public static byte At(ulong position) => (byte)(Record(position / RecordBytes) >> (int)(8 * (position % RecordBytes)));

    private static ulong Check(ulong sequence) => ((sequence * 0x9E3779B97F4A7C15) >> 40) & 0xFF_FFFF;
}
