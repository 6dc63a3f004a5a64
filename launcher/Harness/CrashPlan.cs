using System.Collections.Generic;
using System.Linq;
using System.Text;

namespace CapOS.Harness;

/// <summary>One write of a crash image: which log entry, and how many of its sectors reach the disk (all of
/// them unless the write is torn).</summary>
/// <param name="Entry">Index of the log entry.</param>
/// <param name="Sectors">Sectors applied from the start of the write.</param>
/// <param name="Torn">True if <paramref name="Sectors"/> is less than the write's length.</param>
public sealed record CrashWrite(int Entry, ulong Sectors, bool Torn);

/// <summary>
/// What a power cut leaves on a disk with a volatile write cache, relative to a write log (docs/plug.md,
/// "Crash images"): every write logged before <see cref="LastFlush"/> (the durable prefix), then a subset of
/// the later writes in some order, the last possibly torn. Invariants (checked by CrashImageBuilderTests):
/// I1 <see cref="Tail"/> names only write entries after <see cref="LastFlush"/>, each at most once;
/// I2 two overlapping writes in <see cref="Tail"/> keep their log order (a cache never lets an older copy of a
/// sector replace a newer one); FUA writes are always kept;
/// I3 only the last write of <see cref="Tail"/> may be torn, and a torn write keeps at least one sector and
/// loses at least one.
/// </summary>
/// <param name="LastFlush">The last flush entry, or -1: every write before it is applied.</param>
/// <param name="TailWrites">How many writes the log holds after <see cref="LastFlush"/>.</param>
/// <param name="Tail">The writes after the flush that reach the disk, in the order they are applied.</param>
public sealed record CrashPlan(int LastFlush, int TailWrites, IReadOnlyList<CrashWrite> Tail)
{
    /// <summary>Chooses a crash at the end of <paramref name="log"/>: the state after its last flush plus a
    /// random subset of the later writes (each kept with a probability itself drawn from 0, 1/4, ..., 1),
    /// randomly reordered where they do not overlap, the last one torn half of the time.</summary>
    public static CrashPlan Choose(LogWritesLog log, SplitMix64 random)
    {
        int flush = log.LastFlush;
        List<LogWritesEntry> tail = [.. log.Entries.Skip(flush + 1).Where(entry => entry.IsWrite)];
        int keepQuarters = random.Below(5);
        List<LogWritesEntry> kept = [.. tail.Where(entry =>
            (entry.Flags & LogWritesFlags.Fua) != 0 | random.Below(4) < keepQuarters)];
        List<LogWritesEntry> order = ShuffleKeepingOverlapOrder(kept, random);
        var writes = new List<CrashWrite>(order.Count);
        for (int i = 0; i < order.Count; i++)
        {
            LogWritesEntry entry = order[i];
            bool tear = i == order.Count - 1 && entry.SectorCount > 1
                && (entry.Flags & LogWritesFlags.Fua) == 0 && random.Chance(1, 2);
            ulong sectors = tear ? 1 + (ulong)random.Below((int)entry.SectorCount - 1) : entry.SectorCount;
            writes.Add(new CrashWrite(entry.Index, sectors, tear));
        }
        return new CrashPlan(flush, tail.Count, writes);
    }

    /// <summary>A one-line account for logs and failure reports.</summary>
    public string Describe()
    {
        var text = new StringBuilder(LastFlush < 0 ? "no flush in the log" : $"durable through flush entry {LastFlush}");
        text.Append($"; kept {Tail.Count} of {TailWrites} later writes");
        if (Tail.Count > 0)
        {
            text.Append(" (order ").Append(string.Join(',', Tail.Select(w => w.Entry))).Append(')');
        }
        if (Tail.Count > 0 && Tail[^1].Torn)
        {
            text.Append($"; entry {Tail[^1].Entry} torn after {Tail[^1].Sectors} sectors");
        }
        return text.ToString();
    }

    /// <summary>A random order of <paramref name="writes"/> in which overlapping writes keep their log order:
    /// at each step one write is drawn among those with no earlier, overlapping write still unplaced.</summary>
    private static List<LogWritesEntry> ShuffleKeepingOverlapOrder(List<LogWritesEntry> writes, SplitMix64 random)
    {
        var left = new List<LogWritesEntry>(writes);
        var order = new List<LogWritesEntry>(writes.Count);
        while (left.Count > 0)
        {
            List<int> ready = [.. Enumerable.Range(0, left.Count)
                .Where(i => !left.Take(i).Any(earlier => earlier.Overlaps(left[i])))];
            int pick = ready[random.Below(ready.Count)];
            order.Add(left[pick]);
            left.RemoveAt(pick);
        }
        return order;
    }
}
