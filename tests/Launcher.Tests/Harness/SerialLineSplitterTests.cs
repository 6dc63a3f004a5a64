using System;
using System.Text;
using CapOS.Harness;
using Xunit;

namespace CapOS.Launcher.Tests.Harness;

public class SerialLineSplitterTests
{
    [Fact]
    public void SplitsOnNewlineAndDropsCarriageReturns()
    {
        var splitter = new SerialLineSplitter();

        var lines = splitter.Push(Encoding.ASCII.GetBytes("one\r\ntwo\n\nthree"));

        Assert.Equal(["one", "two", ""], lines);
        Assert.Equal("three", splitter.Partial);
    }

    [Fact]
    public void JoinsALineSplitAcrossChunks()
    {
        var splitter = new SerialLineSplitter();

        Assert.Empty(splitter.Push(Encoding.ASCII.GetBytes("timer: ti")));
        Assert.Empty(splitter.Push(Encoding.ASCII.GetBytes("ck=5\r")));
        Assert.Equal(["timer: tick=5"], splitter.Push(Encoding.ASCII.GetBytes("\n")));
    }

    [Fact]
    public void DecodesAUtf8SequenceSplitAcrossChunks()
    {
        var splitter = new SerialLineSplitter();
        byte[] bytes = Encoding.UTF8.GetBytes("µs\n");

        Assert.Empty(splitter.Push(bytes.AsSpan(0, 1)));
        Assert.Equal(["µs"], splitter.Push(bytes.AsSpan(1)));
    }

    [Fact]
    public void FlushReturnsTheUnterminatedTailOnce()
    {
        var splitter = new SerialLineSplitter();
        splitter.Push(Encoding.ASCII.GetBytes("done\npartial"));

        Assert.Equal("partial", splitter.Flush());
        Assert.Null(splitter.Flush());
    }
}
