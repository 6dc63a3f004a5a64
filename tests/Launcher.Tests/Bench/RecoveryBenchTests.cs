using System;
using System.Linq;
using CapOS.Launcher.Bench;
using Xunit;

namespace CapOS.Launcher.Tests.Bench;

public class RecoveryBenchTests
{
    [Fact]
    public void ReadsTheGuestFiguresAndKeepsTheHostTime()
    {
        var reading = RecoveryBench.Read(BenchLogs.Lines(BenchLogs.RecoveryBoot), floor: 7, TimeSpan.FromMilliseconds(412.5));

        Assert.Equal(new RecoveryRun(412.5, 18250, 66020, 7, 1234), reading.Value);
    }

    [Fact]
    public void ARecoveryBelowTheFloorIsAFailureNotAFigure()
    {
        var reading = RecoveryBench.Read(BenchLogs.Lines(BenchLogs.RecoveryBoot), floor: 8, TimeSpan.FromMilliseconds(400));

        Assert.Null(reading.Value);
        Assert.Contains("below the floor 8", reading.Failure, StringComparison.Ordinal);
    }

    [Fact]
    public void AMissingMutatorOrStoreLineIsAFailure()
    {
        string[] lines = BenchLogs.Lines(BenchLogs.RecoveryBoot);

        Assert.Contains("mutator", RecoveryBench.Read([.. lines.Where(l => !l.StartsWith("mutator:", StringComparison.Ordinal))], 7, TimeSpan.Zero).Failure,
            StringComparison.Ordinal);
        Assert.Equal("no 'store: recovered in' line",
            RecoveryBench.Read([.. lines.Where(l => !l.StartsWith("store: recovered", StringComparison.Ordinal))], 7, TimeSpan.Zero).Failure);
    }

    [Fact]
    public void RowsShowGuestMicrosecondsInMilliseconds()
    {
        var rows = RecoveryBench.Rows([new RecoveryRun(400, 18250, 66020, 7, 1), new RecoveryRun(500, 20000, 70000, 9, 2)]);

        Assert.Equal(["QEMU start to mutator running (host)", "store recovery (guest)", "reset to store recovered (guest)"], rows.Select(r => r.Measure));
        Assert.All(rows, r => Assert.Equal("ms", r.Unit));
        Assert.Equal([18.25, 20.0], rows[1].Samples);
        Assert.Equal("recovered seq 7,9", rows[0].Note);
    }

    /// <summary>Recorded from the mutator kernel (plug.img, <c>mutator checkpoint-interval-ms=50</c>): the first
    /// checkpoint is empty and is left out.</summary>
    [Fact]
    public void PausesOfTheKilledBootAreReadWithoutTheEmptySnapshots()
    {
        string[] lines =
        [
            "mutator: recovered seq=1 step=0 invariant=ok",
            "checkpoint: snapshot seq=2 dirty=0 pause-us=3351",
            "checkpoint: committed seq=2 images=0 log-pages=0",
            "checkpoint: snapshot seq=3 dirty=29 pause-us=2999",
            "checkpoint: stabilize seq=3",
            "checkpoint: snapshot seq=4 dirty=31 pause-us=1819.5 extra=1",
        ];

        Assert.Equal([new MutatorPause(29, 2999), new MutatorPause(31, 1819.5)], RecoveryBench.ReadPauses(lines));
    }

    [Fact]
    public void PausesOfEveryRunArePooledIntoOneRowWithTheirDirtyRange()
    {
        var runs = new[]
        {
            new RecoveryRun(400, 18250, 66020, 3, 1) { Pauses = [new MutatorPause(29, 2999), new MutatorPause(31, 1819)] },
            new RecoveryRun(500, 20000, 70000, 3, 2) { Pauses = [new MutatorPause(32, 1830)] },
        };

        BenchRow pause = RecoveryBench.Rows(runs)[0];

        Assert.Equal("snapshot pause, mutator checkpoints", pause.Measure);
        Assert.Equal([2999.0, 1819, 1830], pause.Samples);
        Assert.Equal("dirty 29-32", pause.Note);
        Assert.Equal(4, RecoveryBench.Rows(runs).Count);
        Assert.Equal("dirty 29", RecoveryBench.DirtyRange(29, 29));
    }
}
