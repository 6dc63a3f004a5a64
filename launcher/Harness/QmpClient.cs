using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Threading;
using System.Threading.Tasks;

namespace CapOS.Harness;

/// <summary>
/// A QMP client (QEMU Machine Protocol, docs/interop/qmp-spec). On connect it reads the greeting and
/// leaves capabilities-negotiation mode with <c>qmp_capabilities</c>. Every command carries an id; one
/// background reader routes replies to their commands by id and keeps events, which may arrive between
/// or before replies, in <see cref="Events"/>. Thread-safe.
/// </summary>
public sealed class QmpClient : IAsyncDisposable
{
    private readonly Stream _stream;
    private readonly StreamReader _reader;
    private readonly SemaphoreSlim _writeLock = new(1, 1);
    private readonly Lock _lock = new();
    private readonly Dictionary<string, TaskCompletionSource<QmpMessage>> _pending = [];
    private readonly List<QmpEvent> _events = [];
    private readonly TaskCompletionSource<QmpMessage> _greeting = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private TaskCompletionSource _eventSignal = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private Task _readLoop = Task.CompletedTask;
    private int _nextId;
    private bool _closed;

    private QmpClient(Stream stream)
    {
        _stream = stream;
        _reader = new StreamReader(stream, new UTF8Encoding(false), detectEncodingFromByteOrderMarks: false);
    }

    /// <summary>QEMU's version from the greeting (e.g. "7.2.22").</summary>
    public string QemuVersion { get; private set; } = "";

    /// <summary>True once the connection has ended.</summary>
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

    /// <summary>Every event received so far, in order.</summary>
    public IReadOnlyList<QmpEvent> Events
    {
        get
        {
            lock (_lock)
            {
                return [.. _events];
            }
        }
    }

    /// <summary>Reads the greeting and negotiates capabilities. The client owns <paramref name="stream"/>.</summary>
    public static async Task<QmpClient> ConnectAsync(Stream stream, TimeSpan timeout, CancellationToken cancel = default)
    {
        var client = new QmpClient(stream);
        client._readLoop = Task.Run(client.ReadLoopAsync, CancellationToken.None);
        try
        {
            QmpMessage greeting = await client._greeting.Task.WaitAsync(timeout, cancel).ConfigureAwait(false);
            client.QemuVersion = VersionOf(greeting.Body);
            await client.ExecuteAsync("qmp_capabilities", null, timeout, cancel).ConfigureAwait(false);
            return client;
        }
        catch
        {
            await client.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Runs a command and returns its <c>return</c> value; throws <see cref="QmpException"/> on an
    /// error reply, a closed connection or a timeout.</summary>
    public async Task<JsonElement> ExecuteAsync(string command, JsonObject? arguments, TimeSpan timeout,
        CancellationToken cancel = default)
    {
        string id = "capos-" + Interlocked.Increment(ref _nextId).ToString(CultureInfo.InvariantCulture);
        var reply = new TaskCompletionSource<QmpMessage>(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_lock)
        {
            if (_closed)
            {
                throw new QmpException($"QMP {command}: the connection is closed");
            }
            _pending.Add(id, reply);
        }
        var request = new JsonObject { ["execute"] = command, ["id"] = id };
        if (arguments is not null)
        {
            request["arguments"] = arguments;
        }
        try
        {
            await SendAsync(request.ToJsonString(), cancel).ConfigureAwait(false);
            QmpMessage message = await reply.Task.WaitAsync(timeout, cancel).ConfigureAwait(false);
            if (message.Kind == QmpMessageKind.Error)
            {
                throw new QmpException($"QMP {command}: {message.ErrorText}");
            }
            return message.Body;
        }
        catch (TimeoutException e)
        {
            throw new QmpException($"QMP {command}: no reply within {timeout.TotalSeconds:0.###} s", e);
        }
        catch (IOException e)
        {
            throw new QmpException($"QMP {command}: {e.Message}", e);
        }
        finally
        {
            lock (_lock)
            {
                _pending.Remove(id);
            }
        }
    }

    /// <summary><c>query-status</c>: the run state ("running", "paused", "shutdown", "internal-error", ...).</summary>
    public async Task<QmpStatus> QueryStatusAsync(TimeSpan timeout, CancellationToken cancel = default)
    {
        JsonElement value = await ExecuteAsync("query-status", null, timeout, cancel).ConfigureAwait(false);
        return QmpStatus.From(value);
    }

    /// <summary>Runs a human monitor command (e.g. "info registers") and returns its text.</summary>
    public async Task<string> HumanMonitorCommandAsync(string commandLine, TimeSpan timeout,
        CancellationToken cancel = default)
    {
        var arguments = new JsonObject { ["command-line"] = commandLine };
        JsonElement value = await ExecuteAsync("human-monitor-command", arguments, timeout, cancel)
            .ConfigureAwait(false);
        return value.ValueKind == JsonValueKind.String ? value.GetString() ?? "" : value.GetRawText();
    }

    /// <summary>Asks QEMU to quit. QEMU may close the connection before its reply: that counts as done.</summary>
    public async Task QuitAsync(TimeSpan timeout, CancellationToken cancel = default)
    {
        try
        {
            await ExecuteAsync("quit", null, timeout, cancel).ConfigureAwait(false);
        }
        catch (QmpException) when (IsClosed)
        {
        }
    }

    /// <summary>Waits for an event named <paramref name="name"/>; events already received count, starting
    /// at index <paramref name="from"/> of <see cref="Events"/>.</summary>
    public async Task<QmpEvent> WaitForEventAsync(string name, TimeSpan timeout, int from = 0,
        CancellationToken cancel = default)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancel);
        deadline.CancelAfter(timeout);
        while (true)
        {
            Task signal;
            lock (_lock)
            {
                for (int i = from; i < _events.Count; i++)
                {
                    if (_events[i].Name == name)
                    {
                        return _events[i];
                    }
                }
                if (_closed)
                {
                    throw new QmpException($"QMP closed before event {name}");
                }
                signal = _eventSignal.Task;
            }
            try
            {
                await signal.WaitAsync(deadline.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (!cancel.IsCancellationRequested)
            {
                throw new QmpException($"QMP: no event {name} within {timeout.TotalSeconds:0.###} s");
            }
        }
    }

    /// <summary>Closes the connection.</summary>
    public async ValueTask DisposeAsync()
    {
        await _stream.DisposeAsync().ConfigureAwait(false);
        await _readLoop.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        _reader.Dispose();
        _writeLock.Dispose();
    }

    private async Task SendAsync(string json, CancellationToken cancel)
    {
        byte[] bytes = Encoding.UTF8.GetBytes(json + "\n");
        await _writeLock.WaitAsync(cancel).ConfigureAwait(false);
        try
        {
            await _stream.WriteAsync(bytes, cancel).ConfigureAwait(false);
            await _stream.FlushAsync(cancel).ConfigureAwait(false);
        }
        finally
        {
            _writeLock.Release();
        }
    }

    private async Task ReadLoopAsync()
    {
        try
        {
            string? line;
            while ((line = await _reader.ReadLineAsync().ConfigureAwait(false)) is not null)
            {
                if (line.Length > 0)
                {
                    Route(QmpMessage.Parse(line));
                }
            }
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException or FormatException)
        {
            // A broken or garbled connection ends the session like a close does.
        }
        Close();
    }

    private void Route(QmpMessage message)
    {
        TaskCompletionSource? signal = null;
        TaskCompletionSource<QmpMessage>? reply = null;
        lock (_lock)
        {
            switch (message.Kind)
            {
                case QmpMessageKind.Greeting:
                    _greeting.TrySetResult(message);
                    break;
                case QmpMessageKind.Event:
                    _events.Add(QmpEvent.From(message));
                    signal = _eventSignal;
                    _eventSignal = new(TaskCreationOptions.RunContinuationsAsynchronously);
                    break;
                default:
                    if (message.Id is not null)
                    {
                        _pending.TryGetValue(message.Id, out reply);
                    }
                    break;
            }
        }
        signal?.TrySetResult();
        reply?.TrySetResult(message);
    }

    private void Close()
    {
        List<TaskCompletionSource<QmpMessage>> pending;
        TaskCompletionSource signal;
        lock (_lock)
        {
            _closed = true;
            pending = [.. _pending.Values];
            signal = _eventSignal;
        }
        _greeting.TrySetException(new QmpException("QMP closed before the greeting"));
        foreach (TaskCompletionSource<QmpMessage> reply in pending)
        {
            reply.TrySetException(new QmpException("QMP connection closed"));
        }
        signal.TrySetResult();
    }

    private static string VersionOf(JsonElement greeting)
    {
        if (greeting.TryGetProperty("version", out JsonElement version)
            && version.TryGetProperty("qemu", out JsonElement qemu)
            && qemu.TryGetProperty("major", out JsonElement major)
            && qemu.TryGetProperty("minor", out JsonElement minor)
            && qemu.TryGetProperty("micro", out JsonElement micro))
        {
            return $"{major.GetRawText()}.{minor.GetRawText()}.{micro.GetRawText()}";
        }
        return "";
    }
}
