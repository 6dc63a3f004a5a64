using System;
using System.Collections.Generic;
using System.IO.Pipes;
using System.Linq;
using System.Text;
using System.Threading.Tasks;
using CapOS.Harness;
using Xunit;

namespace CapOS.Launcher.Tests.Harness;

public sealed class SerialConsoleTests : IAsyncDisposable
{
    private static readonly TimeSpan Long = TimeSpan.FromSeconds(10);
    private readonly AnonymousPipeServerStream _guest = new(PipeDirection.Out);
    private readonly List<byte> _echoed = [];
    private readonly SerialConsole _console;

    public SerialConsoleTests()
    {
        var host = new AnonymousPipeClientStream(PipeDirection.In, _guest.ClientSafePipeHandle);
        _console = new SerialConsole(host, bytes =>
        {
            lock (_echoed)
            {
                _echoed.AddRange(bytes.ToArray());
            }
        });
    }

    [Fact]
    public async Task WaitsForALineThatArrivesLater()
    {
        Task<System.Text.RegularExpressions.Match> wait = _console.WaitForLineAsync(@"^timer: tick=(\d+)$", Long);
        Send("CapOS 0.1 x86-64\ntimer: tick=5\n");

        var match = await wait;

        Assert.Equal("5", match.Groups[1].Value);
        Assert.Equal(2, _console.Cursor);
    }

    [Fact]
    public async Task WaitsScanFromTheCursorSoOrderIsChecked()
    {
        Send("b\na\n");
        await _console.WaitForLineAsync("^a$", Long);

        var failure = await Assert.ThrowsAsync<SerialWaitException>(
            () => _console.WaitForLineAsync("^b$", TimeSpan.FromMilliseconds(50)));

        Assert.Contains("no line matched /^b$/", failure.Message);
    }

    [Fact]
    public async Task WaitForLinesCollectsSeveralMatches()
    {
        Send("timer: tick=5\nx\ntimer: tick=10\ntimer: tick=15\n");

        var ticks = await _console.WaitForLinesAsync(new System.Text.RegularExpressions.Regex(@"tick=(\d+)"), 3, Long);

        Assert.Equal(["5", "10", "15"], [.. ticks.Select(m => m.Groups[1].Value)]);
    }

    [Fact]
    public async Task TimeoutMessageHoldsTheLogAndContext()
    {
        _console.FailureContext = () => "QEMU output here\n";
        Send("hello\n");
        await _console.WaitForLineAsync("hello", Long);

        var failure = await Assert.ThrowsAsync<SerialWaitException>(
            () => _console.WaitForLineAsync("never", TimeSpan.FromMilliseconds(20)));

        Assert.Contains("hello\n", failure.Message);
        Assert.Contains("QEMU output here", failure.Message);
    }

    [Fact]
    public async Task EndOfStreamFailsAWaitAtOnceAndKeepsThePartialLine()
    {
        Send("last words");
        _guest.Dispose();

        var failure = await Assert.ThrowsAsync<SerialWaitException>(() => _console.WaitForLineAsync("never", Long));

        Assert.Contains("closed before", failure.Message);
        Assert.True(_console.IsClosed);
        Assert.Equal(["last words"], _console.Lines);
        Assert.Empty(_console.CompleteLines); // cut in the middle: not evidence of anything
    }

    [Fact]
    public async Task CompleteLinesKeepEveryFinishedLine()
    {
        Send("checkpoint: committed seq=465\ncheckpoint: committed seq=4");
        _guest.Dispose();
        await _console.Completion;

        Assert.Equal(["checkpoint: committed seq=465", "checkpoint: committed seq=4"], _console.Lines);
        Assert.Equal(["checkpoint: committed seq=465"], _console.CompleteLines);
    }

    [Fact]
    public async Task RaisesLineEventsAndEchoesRawBytes()
    {
        var seen = new List<string>();
        _console.LineReceived += line =>
        {
            lock (seen)
            {
                seen.Add(line);
            }
        };
        Send("one\r\ntwo\n");
        await _console.WaitForLineAsync("two", Long);
        _guest.Dispose();
        await _console.WaitForCloseAsync(Long);

        Assert.Equal(["one", "two"], seen);
        Assert.Equal("one\r\ntwo\n", Encoding.ASCII.GetString([.. _echoed]));
        Assert.Equal("one\ntwo\n", _console.Log);
    }

    public async ValueTask DisposeAsync()
    {
        await _guest.DisposeAsync();
        await _console.DisposeAsync();
    }

    private void Send(string text)
    {
        _guest.Write(Encoding.UTF8.GetBytes(text));
        _guest.Flush();
    }
}
