using System;
using System.Collections.Generic;

namespace CapOS.Harness;

/// <summary>The flags of a dm-log-writes entry (Linux drivers/md/dm-log-writes.c; QEMU block/blklogwrites.c).</summary>
[Flags]
public enum LogWritesFlags : ulong
{
    /// <summary>An ordinary write: its data is volatile until the next flush.</summary>
    None = 0,

    /// <summary>A cache flush: every write logged before it is durable once it is logged.</summary>
    Flush = 1 << 0,

    /// <summary>Forced unit access: this write is durable when it completes (virtio-blk never sends it).</summary>
    Fua = 1 << 1,

    /// <summary>A discard: no data follows; QEMU's default (discard=ignore) leaves the sectors unchanged.</summary>
    Discard = 1 << 2,

    /// <summary>A mark: a user label in the entry's own sector, no disk effect.</summary>
    Mark = 1 << 3,
}

/// <summary>One logged request. <see cref="Sector"/> and <see cref="SectorCount"/> are in units of the log's
/// sector size (QEMU: <c>log-sector-size</c>).</summary>
/// <param name="Index">Position in the log, from 0.</param>
/// <param name="Sector">First sector written.</param>
/// <param name="SectorCount">Sectors written (0 for a flush or a mark).</param>
/// <param name="Flags">What the request was.</param>
/// <param name="Data">The written bytes (<see cref="SectorCount"/> sectors; empty for flush, mark, discard).</param>
/// <param name="Mark">The label of a mark entry, else null.</param>
public sealed record LogWritesEntry(int Index, ulong Sector, ulong SectorCount, LogWritesFlags Flags,
    ReadOnlyMemory<byte> Data, string? Mark)
{
    /// <summary>True for a request that changes sectors (a write, FUA or not).</summary>
    public bool IsWrite => (Flags & (LogWritesFlags.Flush | LogWritesFlags.Discard | LogWritesFlags.Mark)) == 0
        && SectorCount > 0;

    /// <summary>True for a flush.</summary>
    public bool IsFlush => (Flags & LogWritesFlags.Flush) != 0;

    /// <summary>True if the two requests share a sector.</summary>
    public bool Overlaps(LogWritesEntry other) =>
        Sector < other.Sector + other.SectorCount && other.Sector < Sector + SectorCount;
}

/// <summary>
/// A dm-log-writes log as read back (docs/plug.md, "Reading the write log"). Invariants:
/// I1 entries are in log order and <see cref="LogWritesEntry.Index"/> = position;
/// I2 every entry lies wholly inside the log file (a torn tail ends the list, <see cref="Truncated"/>);
/// I3 a write entry carries exactly <c>SectorCount * SectorSize</c> data bytes.
/// Checked by LogWritesReaderTests.
/// </summary>
/// <param name="SectorSize">The log's sector size in bytes (the unit of every entry's sector fields).</param>
/// <param name="DeclaredEntries">The super block's entry count (may lag behind the entries on a killed QEMU).</param>
/// <param name="Entries">The entries that could be read whole.</param>
/// <param name="Truncated">Why reading stopped before <see cref="DeclaredEntries"/>, or null.</param>
public sealed record LogWritesLog(int SectorSize, ulong DeclaredEntries, IReadOnlyList<LogWritesEntry> Entries,
    string? Truncated)
{
    /// <summary>Index of the last flush entry, or -1 if there is none.</summary>
    public int LastFlush
    {
        get
        {
            for (int i = Entries.Count - 1; i >= 0; i--)
            {
                if (Entries[i].IsFlush)
                {
                    return i;
                }
            }
            return -1;
        }
    }
}
