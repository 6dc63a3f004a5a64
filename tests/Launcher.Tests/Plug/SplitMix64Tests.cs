using System.Linq;
using CapOS.Harness;
using Xunit;

namespace CapOS.Launcher.Tests.Plug;

public class SplitMix64Tests
{
    [Fact]
    public void MatchesTheReferenceSequence()
    {
        var random = new SplitMix64(0);

        // SplitMix64's published first outputs for seed 0.
        Assert.Equal(0xE220A8397B1DCDAFUL, random.Next());
        Assert.Equal(0x6E789E6AA1B965F4UL, random.Next());
    }

    [Fact]
    public void StreamsDifferByCycleAndPurpose()
    {
        ulong a = SplitMix64.For(1, 1, 1).Next(), b = SplitMix64.For(1, 2, 1).Next(), c = SplitMix64.For(1, 1, 2).Next();

        Assert.Equal(3, new[] { a, b, c }.Distinct().Count());
        Assert.Equal(a, SplitMix64.For(1, 1, 1).Next());
    }

    [Fact]
    public void BelowIsInRangeAndHitsEveryValue()
    {
        var random = new SplitMix64(7);
        int[] draws = [.. Enumerable.Range(0, 3000).Select(_ => random.Below(6))];

        Assert.All(draws, d => Assert.InRange(d, 0, 5));
        Assert.Equal(6, draws.Distinct().Count());
        Assert.InRange(draws.Count(d => d == 0), 400, 600);
    }
}
