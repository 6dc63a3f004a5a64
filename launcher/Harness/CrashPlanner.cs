using System;
using System.Collections.Generic;
using System.Linq;

namespace CapOS.Harness;

/// <summary>
/// Chooses crash states from one write log (docs/plug.md, "Crash states"). Pure and seeded: the same log and
/// seed give the same plans on every machine. Invariants, checked over thousands of seeds by
/// CrashPlannerTests:
/// L2a a plan's tail names only write entries after its <see cref="CrashPlan.LastFlush"/> and before its
/// <see cref="CrashPlan.Cutoff"/>, each once, and no flush lies between the two (a flush that completed is
/// a promise the device kept, so a state never drops a write logged before a flush it is past);
/// L2b two overlapping writes of a tail keep their log order (a cache never lets an older copy of a sector
/// replace a newer one);
/// L2c a torn write keeps a non-empty proper subset of its sectors, not only a prefix; FUA writes are whole
/// and always kept;
/// L2d the first of <see cref="ChooseStates"/>'s plans is at the log's end (the instant QEMU was killed,
/// after the last flush), the others at earlier flush boundaries and mid-epoch points;
/// L2e the plans are a function of (log, seed, count) only.
/// </summary>
public static class CrashPlanner
{
    /// <summary>A crash at the end of <paramref name="log"/>: the state after its last flush plus a random
    /// subset of the later writes, reordered, possibly torn.</summary>
    public static CrashPlan Choose(LogWritesLog log, SplitMix64 random) =>
        Plan(log, log.LastFlush, log.Entries.Count, random);

    /// <summary><paramref name="count"/> crash states of one log: the first at its end (<see cref="Choose"/>),
    /// the others each at a flush boundary drawn among the log's epochs (three in four times among those that
    /// hold writes) and a cut instant drawn among that epoch's writes.</summary>
    public static IReadOnlyList<CrashPlan> ChooseStates(LogWritesLog log, SplitMix64 random, int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(count);
        var plans = new List<CrashPlan>(count) { Choose(log, random) };
        List<(int Flush, int End)> epochs = Epochs(log);
        List<(int Flush, int End)> busy = [.. epochs.Where(e => WritesIn(log, e.Flush, e.End).Any())];
        while (plans.Count < count)
        {
            List<(int Flush, int End)> from = busy.Count > 0 && random.Chance(3, 4) ? busy : epochs;
            (int flush, int end) = from[random.Below(from.Count)];
            List<LogWritesEntry> writes = [.. WritesIn(log, flush, end)];
            int cutoff = writes.Count == 0 ? end : writes[random.Below(writes.Count)].Index + 1;
            plans.Add(Plan(log, flush, cutoff, random));
        }
        return plans;
    }

    /// <summary>Each flush boundary (-1 for the log's start, else a flush entry) with the end of its epoch:
    /// the next flush entry, or the log's length.</summary>
    private static List<(int Flush, int End)> Epochs(LogWritesLog log)
    {
        var epochs = new List<(int, int)>();
        int start = -1;
        for (int i = 0; i <= log.Entries.Count; i++)
        {
            if (i == log.Entries.Count || log.Entries[i].IsFlush)
            {
                epochs.Add((start, i));
                start = i;
            }
        }
        return epochs;
    }

    private static IEnumerable<LogWritesEntry> WritesIn(LogWritesLog log, int flush, int cutoff) =>
        log.Entries.Skip(flush + 1).Take(cutoff - flush - 1).Where(entry => entry.IsWrite);

    /// <summary>The writes after <paramref name="flush"/> and before <paramref name="cutoff"/>: each kept with
    /// a probability drawn from 0, 1/4, ..., 1 (FUA always), in a random order that keeps overlapping writes
    /// in log order, then torn: none, the last applied one, or each with probability 1/4.</summary>
    private static CrashPlan Plan(LogWritesLog log, int flush, int cutoff, SplitMix64 random)
    {
        List<LogWritesEntry> tail = [.. WritesIn(log, flush, cutoff)];
        int keepQuarters = random.Below(5);
        List<LogWritesEntry> kept = [.. tail.Where(entry => IsFua(entry) | random.Below(4) < keepQuarters)];
        List<LogWritesEntry> order = ShuffleKeepingOverlapOrder(kept, random);
        int tearing = random.Below(3);
        var writes = new List<CrashWrite>(order.Count);
        for (int i = 0; i < order.Count; i++)
        {
            LogWritesEntry entry = order[i];
            bool tear = entry.SectorCount > 1 && !IsFua(entry)
                && (tearing == 1 ? i == order.Count - 1 : tearing == 2 && random.Chance(1, 4));
            writes.Add(new CrashWrite(entry.Index, tear ? TornSectors((int)entry.SectorCount, random) : null));
        }
        return new CrashPlan(flush, cutoff, tail.Count, writes);
    }

    private static bool IsFua(LogWritesEntry entry) => (entry.Flags & LogWritesFlags.Fua) != 0;

    /// <summary>A non-empty proper subset of <paramref name="length"/> sectors: half the time a prefix (a
    /// sequential write cut short), else any subset (a cache destaging sectors in its own order).</summary>
    private static int[] TornSectors(int length, SplitMix64 random)
    {
        if (random.Chance(1, 2))
        {
            return [.. Enumerable.Range(0, 1 + random.Below(length - 1))];
        }
        while (true)
        {
            int[] kept = [.. Enumerable.Range(0, length).Where(_ => random.Chance(1, 2))];
            if (kept.Length > 0 && kept.Length < length)
            {
                return kept;
            }
        }
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
