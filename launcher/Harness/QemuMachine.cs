using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Net.Sockets;
using System.Text;
using System.Text.RegularExpressions;
using System.Threading;
using System.Threading.Tasks;

namespace CapOS.Harness;

/// <summary>
/// One QEMU process, headless. Theory of operation (docs/launcher.md, "Harness"):
/// QEMU is started with its serial port on a Unix socket it serves with <c>wait=on</c>, so it does not run
/// the guest until <see cref="StartAsync"/> has connected: no early output is lost. QMP is served on a
/// second socket with <c>wait=off</c> and connected next; with QMP the CPU also starts stopped (<c>-S</c>)
/// and is resumed with QMP <c>cont</c> after the handshake, so even a guest that ends within
/// milliseconds cannot end QEMU before the harness is fully attached. QEMU's stdout and stderr are drained into a
/// buffer (a full pipe would block QEMU) and shown in failure messages with the serial log.
/// The machine is killed (SIGKILL) on dispose if still running; its temporary directory is removed.
/// </summary>
public sealed class QemuMachine : IAsyncDisposable
{
    private static readonly TimeSpan DiagnosisTimeout = TimeSpan.FromSeconds(2);

    /// <summary>Every QEMU this process started and has not yet seen end: killed if this process exits
    /// first (normal exit or SIGTERM), so no QEMU outlives its harness. Guarded by itself.</summary>
    private static readonly HashSet<Process> s_running = CreateRunningSet();

    private readonly Process _process;
    private readonly DirectoryInfo _directory;
    private readonly StringBuilder _qemuOutput = new();
    private readonly Lock _outputLock = new();
    private QemuExit? _exit;
    private bool _killed;

    private QemuMachine(QemuOptions options, Process process, DirectoryInfo directory, IReadOnlyList<string> arguments)
    {
        Options = options;
        _process = process;
        _directory = directory;
        Arguments = arguments;
        Serial = null!;
    }

    /// <summary>What was booted.</summary>
    public QemuOptions Options { get; }

    /// <summary>QEMU's arguments.</summary>
    public IReadOnlyList<string> Arguments { get; }

    /// <summary>The full command line, shell-quoted.</summary>
    public string CommandLine => QemuCommandLine.Render(Options.QemuBinary, Arguments);

    /// <summary>The guest's serial console.</summary>
    public SerialConsole Serial { get; private set; }

    /// <summary>The QMP connection, or null if <see cref="QemuOptions.EnableQmp"/> is off.</summary>
    public QmpClient? Qmp { get; private set; }

    /// <summary>QEMU's process id (for an external kill).</summary>
    public int ProcessId => _process.Id;

    /// <summary>The private directory holding the sockets; removed on dispose.</summary>
    public string WorkDirectory => _directory.FullName;

    /// <summary>Everything QEMU printed on stdout and stderr so far.</summary>
    public string QemuOutput
    {
        get
        {
            lock (_outputLock)
            {
                return _qemuOutput.ToString();
            }
        }
    }

    /// <summary>True while the QEMU process runs.</summary>
    public bool IsRunning => !_process.HasExited;

    /// <summary>Starts QEMU and connects the serial console (and QMP). Throws <see cref="QemuStartException"/>
    /// if QEMU exits or does not open its sockets within <paramref name="startTimeout"/>.</summary>
    /// <param name="options">The machine to boot.</param>
    /// <param name="serialEcho">Receives the raw serial bytes as they arrive (e.g. to copy them to a terminal).</param>
    /// <param name="startTimeout">How long QEMU may take to open its sockets (default 10 s).</param>
    /// <param name="cancel">Cancels the start.</param>
    public static async Task<QemuMachine> StartAsync(QemuOptions options, Action<ReadOnlyMemory<byte>>? serialEcho = null,
        TimeSpan? startTimeout = null, CancellationToken cancel = default)
    {
        DirectoryInfo directory = Directory.CreateTempSubdirectory("capos-qemu-");
        string serialPath = Path.Combine(directory.FullName, "serial.sock");
        string? qmpPath = options.EnableQmp ? Path.Combine(directory.FullName, "qmp.sock") : null;
        IReadOnlyList<string> arguments = QemuCommandLine.Build(options, serialPath, qmpPath);
        var start = new ProcessStartInfo(options.QemuBinary)
        {
            UseShellExecute = false,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (string argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }
        var process = new Process { StartInfo = start };
        var machine = new QemuMachine(options, process, directory, arguments);
        process.OutputDataReceived += (_, e) => machine.AppendOutput(e.Data);
        process.ErrorDataReceived += (_, e) => machine.AppendOutput(e.Data);
        try
        {
            process.Start();
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            process.Dispose();
            directory.Delete(recursive: true);
            throw new QemuStartException(
                $"could not start {options.QemuBinary}: {e.Message} (is Debian's qemu-system-x86 installed?)", e);
        }
        lock (s_running)
        {
            s_running.Add(process);
        }
        process.StandardInput.Close();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            await machine.ConnectAsync(serialPath, qmpPath, serialEcho, startTimeout ?? TimeSpan.FromSeconds(10), cancel)
                .ConfigureAwait(false);
            return machine;
        }
        catch
        {
            await machine.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Waits for a serial line matching <paramref name="pattern"/> after the console's cursor (see
    /// <see cref="SerialConsole"/>). On failure the message holds the serial log, QEMU's output and, if the
    /// guest still runs, its run state and registers from QMP.</summary>
    public async Task<Match> WaitForLineAsync(string pattern, TimeSpan timeout, CancellationToken cancel = default)
    {
        try
        {
            return await Serial.WaitForLineAsync(pattern, timeout, cancel).ConfigureAwait(false);
        }
        catch (SerialWaitException e)
        {
            string diagnosis = await DiagnoseAsync().ConfigureAwait(false);
            throw new SerialWaitException(e.Message + diagnosis);
        }
    }

    /// <summary>Waits for QEMU to exit and interprets its status. Throws <see cref="TimeoutException"/> (with
    /// the logs) if it is still running after <paramref name="timeout"/>; the machine keeps running.</summary>
    public async Task<QemuExit> WaitForExitAsync(TimeSpan timeout, CancellationToken cancel = default)
    {
        try
        {
            await _process.WaitForExitAsync(cancel).WaitAsync(timeout, cancel).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            string diagnosis = await DiagnoseAsync().ConfigureAwait(false);
            throw new TimeoutException(
                $"QEMU still running after {timeout.TotalSeconds:0.###} s\n--- serial console ---\n{Serial.Log}"
                + $"--- end of serial console ---\n{Describe()}{diagnosis}");
        }
        return await FinishAsync().ConfigureAwait(false);
    }

    /// <summary>Kills QEMU at once with SIGKILL (a power cut for the guest; QEMU gets no chance to flush
    /// anything) and waits for it to end.</summary>
    public async Task<QemuExit> KillAsync()
    {
        if (!_process.HasExited)
        {
            _killed = true;
            try
            {
                _process.Kill(entireProcessTree: false);
            }
            catch (InvalidOperationException)
            {
                // It exited between the check and the kill.
            }
        }
        await _process.WaitForExitAsync().ConfigureAwait(false);
        return await FinishAsync().ConfigureAwait(false);
    }

    /// <summary>Asks QEMU to quit through QMP (falls back to a kill) and waits for it.</summary>
    public async Task<QemuExit> QuitAsync(TimeSpan timeout)
    {
        if (Qmp is not null && !_process.HasExited)
        {
            try
            {
                await Qmp.QuitAsync(timeout).ConfigureAwait(false);
                await _process.WaitForExitAsync().WaitAsync(timeout).ConfigureAwait(false);
                return await FinishAsync().ConfigureAwait(false);
            }
            catch (Exception e) when (e is QmpException or TimeoutException)
            {
                // Fall through to the kill.
            }
        }
        return await KillAsync().ConfigureAwait(false);
    }

    /// <summary>If QEMU still runs: its QMP run state and registers ("info registers"); else "".</summary>
    public async Task<string> DiagnoseAsync()
    {
        if (Qmp is null || _process.HasExited || Qmp.IsClosed)
        {
            return "";
        }
        var text = new StringBuilder("--- QMP diagnosis ---\n");
        try
        {
            QmpStatus status = await Qmp.QueryStatusAsync(DiagnosisTimeout).ConfigureAwait(false);
            text.Append("status: ").Append(status.Status).Append(status.Running ? " (running)" : "").Append('\n');
            text.Append(await Qmp.HumanMonitorCommandAsync("info registers", DiagnosisTimeout).ConfigureAwait(false));
        }
        catch (QmpException e)
        {
            text.Append(e.Message).Append('\n');
        }
        return text.ToString();
    }

    /// <summary>The command line, the exit status if known, and QEMU's own output.</summary>
    public string Describe()
    {
        string exit = _exit is null ? (_process.HasExited ? "exited" : "running") : $"{_exit.Message} (status {_exit.Status})";
        return $"QEMU: {CommandLine}\nQEMU state: {exit}\n--- QEMU output ---\n{QemuOutput}--- end of QEMU output ---\n";
    }

    /// <summary>Kills QEMU if it still runs, closes the connections and removes the work directory.</summary>
    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            await KillAsync().ConfigureAwait(false);
        }
        if (Qmp is not null)
        {
            await Qmp.DisposeAsync().ConfigureAwait(false);
        }
        if (Serial is not null)
        {
            await Serial.DisposeAsync().ConfigureAwait(false);
        }
        lock (s_running)
        {
            s_running.Remove(_process);
        }
        _process.Dispose();
        try
        {
            _directory.Delete(recursive: true);
        }
        catch (IOException)
        {
            // Already gone or busy: it is in the temporary directory anyway.
        }
    }

    private async Task ConnectAsync(string serialPath, string? qmpPath, Action<ReadOnlyMemory<byte>>? serialEcho,
        TimeSpan timeout, CancellationToken cancel)
    {
        DateTime deadline = DateTime.UtcNow + timeout;
        Stream serial = await ConnectSocketAsync(serialPath, deadline, cancel).ConfigureAwait(false);
        Serial = new SerialConsole(serial, serialEcho) { FailureContext = Describe };
        if (qmpPath is not null)
        {
            Stream qmp = await ConnectSocketAsync(qmpPath, deadline, cancel).ConfigureAwait(false);
            TimeSpan left = deadline - DateTime.UtcNow;
            try
            {
                Qmp = await QmpClient.ConnectAsync(qmp, left > TimeSpan.Zero ? left : TimeSpan.FromMilliseconds(1), cancel)
                    .ConfigureAwait(false);
            }
            catch (QmpException e)
            {
                throw new QemuStartException($"QMP handshake failed: {e.Message}\n{Describe()}", e);
            }
            catch (TimeoutException e)
            {
                throw new QemuStartException($"QMP greeting timed out\n{Describe()}", e);
            }
            if (!Options.WaitForDebugger)
            {
                await ResumeAsync(deadline, cancel).ConfigureAwait(false);
            }
        }
    }

    /// <summary>QEMU started stopped (-S) so that nothing runs before the harness is attached: resume it.</summary>
    private async Task ResumeAsync(DateTime deadline, CancellationToken cancel)
    {
        TimeSpan left = deadline - DateTime.UtcNow;
        try
        {
            await Qmp!.ExecuteAsync("cont", null, left > TimeSpan.Zero ? left : TimeSpan.FromMilliseconds(1), cancel)
                .ConfigureAwait(false);
        }
        catch (QmpException e)
        {
            // QEMU may have run the guest and ended before the "cont" reply reached us (a guest that exits at
            // once): not a start failure; the exit itself is reported by WaitForExitAsync.
            if (!await HasExitedSoonAsync().ConfigureAwait(false))
            {
                throw new QemuStartException($"QMP cont failed: {e.Message}\n{Describe()}", e);
            }
        }
    }

    /// <summary>True when QEMU ends within a short grace period (its QMP socket closes as it exits).</summary>
    private async Task<bool> HasExitedSoonAsync()
    {
        using var grace = new CancellationTokenSource(TimeSpan.FromSeconds(2));
        try
        {
            await _process.WaitForExitAsync(grace.Token).ConfigureAwait(false);
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    /// <summary>Connects to a socket QEMU serves, retrying until it listens, QEMU exits or the deadline.</summary>
    private async Task<Stream> ConnectSocketAsync(string path, DateTime deadline, CancellationToken cancel)
    {
        while (true)
        {
            if (_process.HasExited)
            {
                await _process.WaitForExitAsync(cancel).ConfigureAwait(false);
                QemuExit exit = QemuExit.Interpret(_process.ExitCode, false, QemuOutput);
                throw new QemuStartException($"QEMU exited before opening {Path.GetFileName(path)}: {exit.Message}\n{Describe()}");
            }
            if (File.Exists(path))
            {
                var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
                try
                {
                    await socket.ConnectAsync(new UnixDomainSocketEndPoint(path), cancel).ConfigureAwait(false);
                    return new NetworkStream(socket, ownsSocket: true);
                }
                catch (SocketException)
                {
                    socket.Dispose();
                }
            }
            if (DateTime.UtcNow > deadline)
            {
                throw new QemuStartException($"QEMU did not open {Path.GetFileName(path)} in time\n{Describe()}");
            }
            await Task.Delay(5, cancel).ConfigureAwait(false);
        }
    }

    private async Task<QemuExit> FinishAsync()
    {
        if (_exit is not null)
        {
            return _exit;
        }
        // Let the reader drain what the guest wrote just before the end, so the log is complete.
        if (Serial is not null)
        {
            await Serial.WaitForCloseAsync(TimeSpan.FromSeconds(2)).ConfigureAwait(false);
        }
        _process.WaitForExit();
        lock (s_running)
        {
            s_running.Remove(_process);
        }
        _exit = QemuExit.Interpret(_process.ExitCode, _killed, QemuOutput);
        return _exit;
    }

    private static HashSet<Process> CreateRunningSet()
    {
        var running = new HashSet<Process>();
        AppDomain.CurrentDomain.ProcessExit += (_, _) =>
        {
            lock (running)
            {
                foreach (Process process in running)
                {
                    try
                    {
                        process.Kill();
                    }
                    catch (Exception e) when (e is InvalidOperationException or System.ComponentModel.Win32Exception)
                    {
                        // Already gone.
                    }
                }
            }
        };
        return running;
    }

    private void AppendOutput(string? line)
    {
        if (line is null)
        {
            return;
        }
        lock (_outputLock)
        {
            _qemuOutput.Append(line).Append('\n');
        }
    }
}
