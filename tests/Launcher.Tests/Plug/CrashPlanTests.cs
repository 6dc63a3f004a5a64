using System.Collections.Generic;
using System.Linq;
using CapOS.Harness;
using Xunit;

namespace CapOS.Launcher.Tests.Plug;

public class CrashPlanTests
{
    /// <summary>A flush epoch, then eight tail writes, some overlapping (entries 3/5/8 share sector 40, 4/9 share 50).</summary>
    private static LogWritesLog SampleLog() =>
        LogWritesReader.Read(new LogWritesBuilder()
            .Write(0, 1, 4).Write(10, 2).Flush()
            .Write(40, 3, 2).Write(50, 4).Write(41, 5).Write(60, 6, 8).Write(70, 7).Write(40, 8).Write(50, 9, 3).Mark("end")
            .Build());

    [Fact]
    public void TheSameSeedGivesTheSamePlan()
    {
        LogWritesLog log = SampleLog();

        Assert.Equal(CrashPlan.Choose(log, new SplitMix64(42)).Describe(), CrashPlan.Choose(log, new SplitMix64(42)).Describe());
        Assert.Equal(CrashPlan.Choose(log, new SplitMix64(42)).Tail, CrashPlan.Choose(log, new SplitMix64(42)).Tail);
    }

    [Fact]
    public void PlansKeepTheInvariantsOverManySeeds()
    {
        LogWritesLog log = SampleLog();
        var kept = new HashSet<int>();
        var sizes = new HashSet<int>();
        int torn = 0;
        for (ulong seed = 0; seed < 2000; seed++)
        {
            CrashPlan plan = CrashPlan.Choose(log, new SplitMix64(seed));

            Assert.Equal(2, plan.LastFlush);
            Assert.Equal(7, plan.TailWrites);
            // I1: only tail writes, each once.
            Assert.All(plan.Tail, w => Assert.True(w.Entry > 2 && log.Entries[w.Entry].IsWrite));
            Assert.Equal(plan.Tail.Count, plan.Tail.Select(w => w.Entry).Distinct().Count());
            // I2: overlapping writes keep their log order.
            for (int i = 0; i < plan.Tail.Count; i++)
            {
                for (int j = i + 1; j < plan.Tail.Count; j++)
                {
                    LogWritesEntry a = log.Entries[plan.Tail[i].Entry], b = log.Entries[plan.Tail[j].Entry];
                    Assert.False(a.Overlaps(b) && a.Index > b.Index, $"seed {seed}: {a.Index} applied before {b.Index}");
                }
            }
            // I3: only the last may be torn, keeping at least one sector and losing at least one.
            Assert.All(plan.Tail.Take(plan.Tail.Count - 1), w => Assert.False(w.Torn));
            if (plan.Tail.Count > 0 && plan.Tail[^1].Torn)
            {
                torn++;
                ulong length = log.Entries[plan.Tail[^1].Entry].SectorCount;
                Assert.InRange(plan.Tail[^1].Sectors, 1UL, length - 1);
            }
            kept.UnionWith(plan.Tail.Select(w => w.Entry));
            sizes.Add(plan.Tail.Count);
        }
        Assert.Equal([3, 4, 5, 6, 7, 8, 9], kept.Order());
        Assert.Contains(0, sizes);
        Assert.Contains(7, sizes);
        Assert.InRange(torn, 100, 1900);
    }

    [Fact]
    public void NonOverlappingWritesAreSometimesReordered()
    {
        LogWritesLog log = SampleLog();

        bool reordered = Enumerable.Range(0, 500).Select(s => CrashPlan.Choose(log, new SplitMix64((ulong)s)))
            .Any(plan => plan.Tail.Zip(plan.Tail.Skip(1)).Any(pair => pair.First.Entry > pair.Second.Entry));

        Assert.True(reordered);
    }

    [Fact]
    public void FuaWritesAreAlwaysKept()
    {
        LogWritesLog log = LogWritesReader.Read(new LogWritesBuilder().Flush().Write(1, 1).Write(2, 2, 1, LogWritesFlags.Fua).Build());

        for (ulong seed = 0; seed < 200; seed++)
        {
            Assert.Contains(CrashPlan.Choose(log, new SplitMix64(seed)).Tail, w => w.Entry == 2);
        }
    }

    [Fact]
    public void WithoutAFlushEveryWriteIsTail()
    {
        LogWritesLog log = LogWritesReader.Read(new LogWritesBuilder().Write(1, 1).Write(2, 2).Build());

        CrashPlan plan = CrashPlan.Choose(log, new SplitMix64(3));

        Assert.Equal(-1, plan.LastFlush);
        Assert.Equal(2, plan.TailWrites);
        Assert.StartsWith("no flush in the log; kept ", plan.Describe());
    }
}
