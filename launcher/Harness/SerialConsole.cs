using System.Linq;
using System;
using System.Collections.Generic;
using System.IO;
using System.Text;
using System.Text.RegularExpressions;
using System.Threading;
using System.Threading.Tasks;

namespace CapOS.Harness;

/// <summary>
/// The guest's serial console as seen by the host: a background reader splits the byte stream into lines,
/// keeps every line (the log for failure messages) and wakes waiters. Waits are expect-style: each
/// <see cref="WaitForLineAsync(Regex, TimeSpan, CancellationToken)"/> scans from a cursor and moves it past
/// the matching line, so a sequence of waits also checks the order of the lines.
/// </summary>
public sealed class SerialConsole : IAsyncDisposable
{
    private readonly Stream _stream;
    private readonly Action<ReadOnlyMemory<byte>>? _echo;
    private readonly Lock _lock = new();
    private readonly List<string> _lines = [];
    private readonly SerialLineSplitter _splitter = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _reader;
    private TaskCompletionSource _changed = NewSignal();
    private bool _endedInsideALine;
    private bool _closed;
    private int _cursor;

    /// <summary>Starts reading <paramref name="stream"/> at once.</summary>
    /// <param name="stream">The connected serial stream; the console owns and disposes it.</param>
    /// <param name="echo">Called with every chunk of raw bytes as it arrives (e.g. copy to the terminal).</param>
    public SerialConsole(Stream stream, Action<ReadOnlyMemory<byte>>? echo = null)
    {
        _stream = stream;
        _echo = echo;
        _reader = Task.Run(ReadLoopAsync);
    }

    /// <summary>Raised on the reader thread for each complete line, after it is added to <see cref="Lines"/>.
    /// Lines that arrived before subscription are only in <see cref="Lines"/>.</summary>
    public event Action<string>? LineReceived;

    /// <summary>Supplies extra text (QEMU's own output, exit status) for failure messages.</summary>
    public Func<string>? FailureContext { get; set; }

    /// <summary>A copy of every complete line received so far.</summary>
    public IReadOnlyList<string> Lines
    {
        get
        {
            lock (_lock)
            {
                return [.. _lines];
            }
        }
    }

    /// <summary>
    /// Every line the guest finished: <see cref="Lines"/> without a last line the stream ended in the middle of
    /// (a guest killed while it printed). What a judge may take as evidence: a cut line such as
    /// <c>checkpoint: committed seq=4</c> for <c>...seq=466</c> says nothing the guest meant.
    /// </summary>
    public IReadOnlyList<string> CompleteLines
    {
        get
        {
            lock (_lock)
            {
                return _endedInsideALine ? [.. _lines.Take(_lines.Count - 1)] : [.. _lines];
            }
        }
    }

    /// <summary>The whole log: every line, then the unterminated tail if any.</summary>
    public string Log
    {
        get
        {
            lock (_lock)
            {
                var log = new StringBuilder();
                foreach (string line in _lines)
                {
                    log.Append(line).Append('\n');
                }
                return log.Append(_closed ? "" : _splitter.Partial).ToString();
            }
        }
    }

    /// <summary>True once the stream has ended (QEMU closed it or exited).</summary>
    public bool IsClosed
    {
        get
        {
            lock (_lock)
            {
                return _closed;
            }
        }
    }

    /// <summary>Completes when the reader has seen the end of the stream.</summary>
    public Task Completion => _reader;

    /// <summary>Index of the next line the waits will scan.</summary>
    public int Cursor
    {
        get
        {
            lock (_lock)
            {
                return _cursor;
            }
        }
    }

    /// <summary>Waits for a line matching <paramref name="pattern"/> at or after the cursor; moves the cursor
    /// past it. Throws <see cref="SerialWaitException"/> (with the log) on timeout or end of stream.</summary>
    public Task<Match> WaitForLineAsync(string pattern, TimeSpan timeout, CancellationToken cancel = default) =>
        WaitForLineAsync(new Regex(pattern, RegexOptions.CultureInvariant), timeout, cancel);

    /// <inheritdoc cref="WaitForLineAsync(string, TimeSpan, CancellationToken)"/>
    public async Task<Match> WaitForLineAsync(Regex pattern, TimeSpan timeout, CancellationToken cancel = default)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancel);
        deadline.CancelAfter(timeout);
        while (true)
        {
            Task changed;
            lock (_lock)
            {
                for (int i = _cursor; i < _lines.Count; i++)
                {
                    Match match = pattern.Match(_lines[i]);
                    if (match.Success)
                    {
                        _cursor = i + 1;
                        return match;
                    }
                }
                if (_closed)
                {
                    throw Failure($"the serial console closed before a line matched /{pattern}/");
                }
                changed = _changed.Task;
            }
            try
            {
                await changed.WaitAsync(deadline.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (!cancel.IsCancellationRequested)
            {
                throw Failure($"no line matched /{pattern}/ within {timeout.TotalSeconds:0.###} s");
            }
        }
    }

    /// <summary>Collects every line matching <paramref name="pattern"/> at or after the cursor until
    /// <paramref name="count"/> have matched; moves the cursor past the last.</summary>
    public async Task<IReadOnlyList<Match>> WaitForLinesAsync(Regex pattern, int count, TimeSpan timeout,
        CancellationToken cancel = default)
    {
        var matches = new List<Match>();
        DateTime end = DateTime.UtcNow + timeout;
        while (matches.Count < count)
        {
            TimeSpan left = end - DateTime.UtcNow;
            matches.Add(await WaitForLineAsync(pattern, left > TimeSpan.Zero ? left : TimeSpan.Zero, cancel)
                .ConfigureAwait(false));
        }
        return matches;
    }

    /// <summary>Sends text to the guest.</summary>
    public async Task WriteAsync(string text, CancellationToken cancel = default)
    {
        await _stream.WriteAsync(Encoding.UTF8.GetBytes(text), cancel).ConfigureAwait(false);
        await _stream.FlushAsync(cancel).ConfigureAwait(false);
    }

    /// <summary>Waits (bounded) for the reader to reach the end of the stream.</summary>
    public async Task<bool> WaitForCloseAsync(TimeSpan timeout)
    {
        try
        {
            await _reader.WaitAsync(timeout).ConfigureAwait(false);
            return true;
        }
        catch (TimeoutException)
        {
            return false;
        }
    }

    /// <summary>Stops the reader and closes the stream.</summary>
    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        await _stream.DisposeAsync().ConfigureAwait(false);
        await _reader.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        _stop.Dispose();
    }

    private SerialWaitException Failure(string what)
    {
        string context = FailureContext?.Invoke() ?? "";
        return new SerialWaitException($"{what}\n--- serial console ---\n{Log}--- end of serial console ---\n{context}");
    }

    private async Task ReadLoopAsync()
    {
        byte[] buffer = new byte[4096];
        try
        {
            int read;
            while ((read = await _stream.ReadAsync(buffer, _stop.Token).ConfigureAwait(false)) > 0)
            {
                _echo?.Invoke(buffer.AsMemory(0, read));
                Publish(_splitter.Push(buffer.AsSpan(0, read)));
            }
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException or OperationCanceledException)
        {
            // The stream ended abruptly (QEMU killed, or disposed): same as end of stream.
        }
        string? last = _splitter.Flush();
        lock (_lock)
        {
            _endedInsideALine = last is not null;
        }

        Publish(last is null ? [] : [last], close: true);
    }

    private void Publish(IReadOnlyList<string> lines, bool close = false)
    {
        if (lines.Count == 0 && !close)
        {
            return;
        }
        TaskCompletionSource changed;
        lock (_lock)
        {
            _lines.AddRange(lines);
            _closed |= close;
            changed = _changed;
            _changed = NewSignal();
        }
        changed.TrySetResult();
        foreach (string line in lines)
        {
            LineReceived?.Invoke(line);
        }
    }

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}
