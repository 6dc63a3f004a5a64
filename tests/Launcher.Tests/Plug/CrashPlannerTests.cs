using System.Collections.Generic;
using System.Linq;
using CapOS.Harness;
using Xunit;

namespace CapOS.Launcher.Tests.Plug;

/// <summary>The crash planner's invariants L2a-L2e (docs/plug.md, "Invariants"), over thousands of seeds.</summary>
public class CrashPlannerTests
{
    /// <summary>Three epochs: two writes, flush (2); five writes, flush (8); then eight tail writes, some
    /// overlapping (entries 9/11/14 share sector 40, 10/15 share 50), and a mark.</summary>
    private static LogWritesLog SampleLog() =>
        LogWritesReader.Read(new LogWritesBuilder()
            .Write(0, 1, 4).Write(10, 2).Flush()
            .Write(20, 3, 8).Write(21, 4).Write(30, 5, 2).Write(31, 6).Write(90, 7, 3).Flush()
            .Write(40, 3, 2).Write(50, 4).Write(41, 5).Write(60, 6, 8).Write(70, 7).Write(40, 8).Write(50, 9, 3).Mark("end")
            .Build());

    [Fact]
    public void TheSameSeedGivesTheSamePlans()
    {
        LogWritesLog log = SampleLog();

        // L2e
        Assert.Equal(CrashPlanner.ChooseStates(log, new SplitMix64(42), 8), CrashPlanner.ChooseStates(log, new SplitMix64(42), 8));
        Assert.NotEqual(CrashPlanner.ChooseStates(log, new SplitMix64(42), 8), CrashPlanner.ChooseStates(log, new SplitMix64(43), 8));
    }

    [Fact]
    public void EveryPlanKeepsTheInvariantsOverManySeeds()
    {
        LogWritesLog log = SampleLog();
        int[] flushes = [.. log.Entries.Where(e => e.IsFlush).Select(e => e.Index)];
        for (ulong seed = 0; seed < 2000; seed++)
        {
            IReadOnlyList<CrashPlan> plans = CrashPlanner.ChooseStates(log, new SplitMix64(seed), 4);
            Assert.Equal(4, plans.Count);
            // L2d: the first state is at the cut.
            Assert.Equal(8, plans[0].LastFlush);
            Assert.Equal(log.Entries.Count, plans[0].Cutoff);
            foreach (CrashPlan plan in plans)
            {
                // L2a: a durable prefix ending at a flush, no flush between it and the cut, tail writes only from
                // between them, each once.
                Assert.True(plan.LastFlush == -1 || log.Entries[plan.LastFlush].IsFlush);
                Assert.DoesNotContain(flushes, f => f > plan.LastFlush && f < plan.Cutoff);
                Assert.All(plan.Tail, w => Assert.True(w.Entry > plan.LastFlush && w.Entry < plan.Cutoff && log.Entries[w.Entry].IsWrite));
                Assert.Equal(plan.Tail.Count, plan.Tail.Select(w => w.Entry).Distinct().Count());
                Assert.Equal(log.Entries.Skip(plan.LastFlush + 1).Take(plan.Cutoff - plan.LastFlush - 1).Count(e => e.IsWrite), plan.TailWrites);
                // L2b: overlapping writes keep their log order.
                for (int i = 0; i < plan.Tail.Count; i++)
                {
                    for (int j = i + 1; j < plan.Tail.Count; j++)
                    {
                        LogWritesEntry a = log.Entries[plan.Tail[i].Entry], b = log.Entries[plan.Tail[j].Entry];
                        Assert.False(a.Overlaps(b) && a.Index > b.Index, $"seed {seed}: {a.Index} applied before {b.Index}");
                    }
                }
                // L2c: a torn write keeps a non-empty proper subset of its sectors.
                foreach (CrashWrite torn in plan.Tail.Where(w => w.Torn))
                {
                    int length = (int)log.Entries[torn.Entry].SectorCount;
                    Assert.InRange(torn.KeptSectors!.Count, 1, length - 1);
                    Assert.All(torn.KeptSectors, s => Assert.InRange(s, 0, length - 1));
                    Assert.Equal(torn.KeptSectors.Order(), torn.KeptSectors);
                    Assert.Equal(torn.KeptSectors.Count, torn.KeptSectors.Distinct().Count());
                }
            }
        }
    }

    [Fact]
    public void StatesReachEveryFlushBoundaryMidEpochPointsAndEverySubsetSize()
    {
        LogWritesLog log = SampleLog();
        var plans = Enumerable.Range(0, 1000).SelectMany(s => CrashPlanner.ChooseStates(log, new SplitMix64((ulong)s), 4)).ToList();

        Assert.Equal([-1, 2, 8], plans.Select(p => p.LastFlush).Distinct().Order());
        // Mid-epoch: cut instants inside the middle epoch, not only at its end.
        Assert.True(plans.Where(p => p.LastFlush == 2).Select(p => p.Cutoff).Distinct().Count() >= 4);
        Assert.Equal(Enumerable.Range(0, 8), plans.Where(p => p.AtEnd(log)).Select(p => p.Tail.Count).Distinct().Order());
        Assert.Contains(plans, p => p.Tail.Count(w => w.Torn) >= 2);
    }

    [Fact]
    public void TornWritesKeepPrefixesAndScatteredSectors()
    {
        LogWritesLog log = SampleLog();
        var torn = Enumerable.Range(0, 2000).SelectMany(s => CrashPlanner.ChooseStates(log, new SplitMix64((ulong)s), 4))
            .SelectMany(p => p.Tail).Where(w => w.Torn).ToList();

        bool IsPrefix(CrashWrite w) => w.KeptSectors!.SequenceEqual(Enumerable.Range(0, w.KeptSectors!.Count));
        Assert.Contains(torn, IsPrefix);
        Assert.Contains(torn, w => !IsPrefix(w));
        Assert.Contains(torn, w => !w.KeptSectors!.Contains(0));
    }

    [Fact]
    public void NonOverlappingWritesAreSometimesReordered()
    {
        LogWritesLog log = SampleLog();

        bool reordered = Enumerable.Range(0, 500).Select(s => CrashPlanner.Choose(log, new SplitMix64((ulong)s)))
            .Any(plan => plan.Tail.Zip(plan.Tail.Skip(1)).Any(pair => pair.First.Entry > pair.Second.Entry));

        Assert.True(reordered);
    }

    [Fact]
    public void FuaWritesAreAlwaysKeptWhole()
    {
        LogWritesLog log = LogWritesReader.Read(new LogWritesBuilder().Flush().Write(1, 1).Write(2, 2, 4, LogWritesFlags.Fua).Build());

        for (ulong seed = 0; seed < 200; seed++)
        {
            Assert.Contains(CrashPlanner.Choose(log, new SplitMix64(seed)).Tail, w => w.Entry == 2 && !w.Torn);
        }
    }

    [Fact]
    public void WithoutAFlushEveryWriteIsTail()
    {
        LogWritesLog log = LogWritesReader.Read(new LogWritesBuilder().Write(1, 1).Write(2, 2).Build());

        CrashPlan plan = CrashPlanner.Choose(log, new SplitMix64(3));

        Assert.Equal(-1, plan.LastFlush);
        Assert.Equal(2, plan.TailWrites);
        Assert.StartsWith("no flush before the cut; cut at the log's end; kept ", plan.Describe(log));
    }

    [Fact]
    public void AnEmptyLogGivesEmptyStates()
    {
        LogWritesLog log = LogWritesReader.Read(new LogWritesBuilder().Build());

        Assert.All(CrashPlanner.ChooseStates(log, new SplitMix64(1), 3), p => Assert.Equal(new CrashPlan(-1, 0, 0, []), p));
    }

    [Fact]
    public void TheAccountNamesTornSectors() =>
        Assert.Equal("durable through flush entry 8; cut before entry 12; kept 2 of 3 later writes (order 10,9 torn (sectors 1 of 2))",
            new CrashPlan(8, 12, 3, [new CrashWrite(10), new CrashWrite(9, [1])]).Describe(SampleLog()));
}
