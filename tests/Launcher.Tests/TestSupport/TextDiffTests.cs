using CapOS.TestSupport;
using Xunit;

namespace CapOS.Launcher.Tests.TestSupport;

public class TextDiffTests
{
    [Fact]
    public void ShowsInsertionsAndDeletionsWithContext()
    {
        string diff = TextDiff.Summarize("1\n2\n3\n4\n5\n6\n7\n8\n", "1\n2\n3\n4\nfive\n6\n7\n8\nnine\n");

        Assert.Equal("expected 8 lines, actual 9 lines\n  3\n  4\n- 5\n+ five\n  6\n  7\n  8\n+ nine\n", diff);
    }

    [Fact]
    public void SeparatesDistantHunks()
    {
        string diff = TextDiff.Summarize("a\n1\n2\n3\n4\n5\n6\nb\n", "A\n1\n2\n3\n4\n5\n6\nB\n");

        Assert.Contains("- a\n+ A\n  1\n  2\n...\n  5\n  6\n- b\n+ B\n", diff);
    }

    [Fact]
    public void EmptyExpected()
    {
        Assert.Equal("expected 0 lines, actual 1 lines\n+ x\n", TextDiff.Summarize("", "x\n"));
    }
}
