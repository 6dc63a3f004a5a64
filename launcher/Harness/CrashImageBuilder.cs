using System;
using System.IO;
using System.Linq;

namespace CapOS.Harness;

/// <summary>
/// Builds a crash image (docs/plug.md, "Crash images"): onto the disk as it was when the write log started
/// (the image QEMU booted from), applies every write logged before the plan's flush in log order, then the
/// plan's tail writes in the plan's order, a torn one only for its kept sectors. Discards change nothing
/// (QEMU's default <c>discard=ignore</c>), marks and flushes carry no data.
/// </summary>
public static class CrashImageBuilder
{
    /// <summary>Applies <paramref name="plan"/> over <paramref name="log"/> to <paramref name="image"/>, which
    /// must hold the disk as it was before the first logged write. Returns the number of sectors written.</summary>
    /// <exception cref="ArgumentException">A write lies outside the image, or the plan names a non-write.</exception>
    public static ulong Apply(Stream image, LogWritesLog log, CrashPlan plan)
    {
        ulong sectors = 0;
        for (int i = 0; i <= plan.LastFlush && i < log.Entries.Count; i++)
        {
            if (log.Entries[i].IsWrite)
            {
                sectors += Write(image, log, log.Entries[i], new CrashWrite(i));
            }
        }
        foreach (CrashWrite write in plan.Tail)
        {
            if (write.Entry <= plan.LastFlush || write.Entry >= log.Entries.Count || !log.Entries[write.Entry].IsWrite)
            {
                throw new ArgumentException($"the plan's entry {write.Entry} is not a write after the flush", nameof(plan));
            }
            if (write.Entry >= plan.Cutoff)
            {
                throw new ArgumentException($"the plan's entry {write.Entry} was not issued before its cut", nameof(plan));
            }
            LogWritesEntry entry = log.Entries[write.Entry];
            if (write.KeptSectors is { } kept && (kept.Count == 0 || kept.Any(s => s < 0 || (ulong)s >= entry.SectorCount)))
            {
                throw new ArgumentException($"the plan keeps sectors {string.Join(',', kept)} of entry {entry.Index}", nameof(plan));
            }
            sectors += Write(image, log, entry, write);
        }
        image.Flush();
        return sectors;
    }

    private static ulong Write(Stream image, LogWritesLog log, LogWritesEntry entry, CrashWrite write)
    {
        ulong size = (ulong)log.SectorSize;
        ulong end = (entry.Sector + entry.SectorCount) * size;
        if (end > (ulong)image.Length)
        {
            throw new ArgumentException(
                $"log entry {entry.Index} writes sectors {entry.Sector}..{entry.Sector + entry.SectorCount} past the image's end ({image.Length} bytes)",
                nameof(log));
        }
        if (!write.Torn)
        {
            image.Position = (long)(entry.Sector * size);
            image.Write(entry.Data.Span);
            return entry.SectorCount;
        }
        ulong sectors = 0;
        for (int i = 0; (ulong)i < entry.SectorCount; i++)
        {
            if (write.Keeps(i))
            {
                image.Position = (long)((entry.Sector + (ulong)i) * size);
                image.Write(entry.Data.Span.Slice(i * (int)size, (int)size));
                sectors++;
            }
        }
        return sectors;
    }
}
