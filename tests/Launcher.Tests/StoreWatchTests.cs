using Xunit;

namespace CapOS.Launcher.Tests;

/// <summary>The launcher never lets a stopped checkpoint pass silently (<see cref="StoreWatch"/>).</summary>
public sealed class StoreWatchTests
{
    [Fact]
    public void TheFirstStopLineIsTurnedIntoAWarningNamingTheLastDurableCheckpoint()
    {
        var watch = new StoreWatch();

        Assert.Null(watch.Observe("checkpoint: committed seq=7 images=3 log-pages=4"));
        string? warning = watch.Observe("checkpoint: stopped seq=8: header write failed (disk error 2); last committed seq=7");

        Assert.NotNull(warning);
        Assert.Contains("CHECKPOINTING HAS STOPPED (header write failed (disk error 2))", warning, System.StringComparison.Ordinal);
        Assert.Contains("after checkpoint 7", warning, System.StringComparison.Ordinal);
        Assert.Null(watch.Observe("checkpoint: stopped seq=8: header write failed (disk error 2); last committed seq=7")); // said once
        Assert.Equal(warning, watch.Warning);
    }

    [Fact]
    public void AHealthySystemGetsNoWarning()
    {
        var watch = new StoreWatch();

        Assert.Null(watch.Observe("user[1]: checkpoint: stopped is only text here"));
        Assert.Null(watch.Warning);
    }
}
