using CapOS.Launcher.Bench;
using Xunit;

namespace CapOS.Launcher.Tests.Bench;

public class BenchVerbTests
{
    private static readonly BenchRow Measured = new("s", "m", "us", [1]);
    private static readonly BenchRow NotAvailable = BenchRow.Unavailable("s", "", "not available: x");

    [Fact]
    public void SomethingMeasuredAndNoBootFailedIsSuccessEvenWithPhasesNotAvailable() =>
        Assert.Equal(0, BenchVerb.Verdict([Measured, NotAvailable], bootFailed: false));

    [Fact]
    public void NothingMeasuredFails() =>
        Assert.Equal(BenchVerb.BenchFailed, BenchVerb.Verdict([NotAvailable, NotAvailable], bootFailed: false));

    [Fact]
    public void AFailedBootFailsWhateverWasMeasured() =>
        Assert.Equal(BenchVerb.BenchFailed, BenchVerb.Verdict([Measured], bootFailed: true));
}
