using System;
using CapOS.Harness;
using CapOS.Kernel.DiskFormat;

namespace CapOS.Launcher.Plug.Disk;

/// <summary>
/// The exact floor of a power-mode crash state, from the write log (docs/plug.md, "The exact floor"): both
/// header slots as the crash state leaves them, found by replaying onto the boot image's two slot pages only
/// the logged writes that the state keeps (every write before its flush in log order, then its tail in the
/// plan's order, a torn write only for its kept sectors). A header write is therefore durable exactly when a
/// surviving flush covers it or the tail keeps it whole and nothing later tears that slot. Independent of
/// <see cref="CrashImageBuilder"/>: CrashHeadersTests checks the two agree over many seeds.
/// </summary>
public static class CrashHeaders
{
    /// <summary>Both slots after <paramref name="plan"/>, given the boot image's slot pages
    /// (<paramref name="bootSlots"/>: slot 0 then slot 1, 8192 bytes).</summary>
    public static DiskHeaders After(DiskGeometry geometry, ReadOnlySpan<byte> bootSlots, LogWritesLog log, CrashPlan plan)
    {
        ArgumentOutOfRangeException.ThrowIfNotEqual(bootSlots.Length, 2 * DiskLayout.PageSize);
        byte[] slots = bootSlots.ToArray();
        for (int i = 0; i <= plan.LastFlush && i < log.Entries.Count; i++)
        {
            if (log.Entries[i].IsWrite)
            {
                Apply(slots, geometry, log, new CrashWrite(i));
            }
        }
        foreach (CrashWrite write in plan.Tail)
        {
            Apply(slots, geometry, log, write);
        }
        return DiskHeaders.Decode(slots, geometry);
    }

    /// <summary>Reads the two slot pages of the image file at <paramref name="path"/>.</summary>
    public static byte[] ReadSlots(string path, DiskGeometry geometry)
    {
        using System.IO.FileStream image = System.IO.File.OpenRead(path);
        ulong page = geometry.SlotSector(0) / DiskGeometry.SectorsPerPage;
        return [.. DiskPages.Read(image, page), .. DiskPages.Read(image, page + 1)];
    }

    private static void Apply(byte[] slots, DiskGeometry geometry, LogWritesLog log, CrashWrite write)
    {
        LogWritesEntry entry = log.Entries[write.Entry];
        long size = log.SectorSize;
        long slotsStart = (long)geometry.SlotSector(0) * DiskLayout.SectorSize;
        for (int i = 0; (ulong)i < entry.SectorCount; i++)
        {
            long from = ((long)entry.Sector + i) * size - slotsStart;
            if (from + size <= 0 || from >= slots.Length || !write.Keeps(i))
            {
                continue;
            }
            long skip = Math.Max(0, -from);
            long length = Math.Min(size, slots.Length - from) - skip;
            entry.Data.Span.Slice((int)(i * size + skip), (int)length).CopyTo(slots.AsSpan((int)(from + skip)));
        }
    }
}
