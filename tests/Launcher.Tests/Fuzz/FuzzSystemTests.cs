using System.IO;
using CapOS.Harness;
using CapOS.Launcher.Fuzz;
using Xunit;

namespace CapOS.Launcher.Tests.Fuzz;

/// <summary>The fuzz description writer: system/fuzz.sys is its text for the defaults, and seeds differ per fuzzer.</summary>
public class FuzzSystemTests
{
    [Fact]
    public void TheShippedDescriptionIsTheWritersText()
    {
        string shipped = Path.Combine(RepositoryLayout.Locate().Root, "system", "fuzz.sys");
        string expected = FuzzSystem.Describe(FuzzSystem.Default);
        if (File.ReadAllText(shipped) != expected)
        {
            File.WriteAllText(shipped + ".received", expected);
        }

        Assert.Equal(expected, File.ReadAllText(shipped));
    }

    [Fact]
    public void EveryFuzzerGetsItsOwnSeedAndTheWardenIsARoot()
    {
        Assert.NotEqual(FuzzSystem.FuzzerSeed(1, 0), FuzzSystem.FuzzerSeed(1, 1));
        Assert.NotEqual(FuzzSystem.FuzzerSeed(1, 0), FuzzSystem.FuzzerSeed(2, 0));
        Assert.Equal([2, 3, 4, 5], FuzzSystem.AuthorityRoots(3));
        string text = FuzzSystem.Describe(new FuzzSystemOptions(5, 3, 100));
        Assert.Contains("process fuzz2 program fuzzer", text, System.StringComparison.Ordinal);
        Assert.Contains("key 18 = process fuzz2", text, System.StringComparison.Ordinal);
        Assert.Contains("key 7 = process fuzz0", text, System.StringComparison.Ordinal); // fuzz2's other wraps around
    }
}
