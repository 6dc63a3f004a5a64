using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text.RegularExpressions;
using System.Threading;
using System.Threading.Tasks;
using CapOS.Harness;

namespace CapOS.Launcher.Bench.Lmbench;

/// <summary>
/// <c>capos bench lmbench</c> (docs/bench.md "lmbench"; issue 13): the CapOS side (ipcbench.img, pipebench.img, the
/// heap-growth and process-creation images when they exist, the checkpoint figures of <c>bench checkpoint</c>), then
/// the Linux side (<see cref="LinuxLmbench"/>), each <c>--runs</c> times; one table on stdout, the chart in
/// artifacts/bench/lmbench.svg, progress on stderr.
/// </summary>
public static class LmbenchSuite
{
    /// <summary>The images of the rows other programs measure, and the row each gives: booted when they exist (once per run, however many rows it gives).</summary>
    public static readonly (string Row, string Image, string System)[] ContractImages =
    [
        ("heap-growth", "heapbench.img", "system/heapbench.sys"),
        ("heap-growth-page", "heapbench.img", "system/heapbench.sys"),
        ("proc-create", "procbench.img", "system/procbench.sys"),
    ];

    /// <summary>The pipe benchmark's image.</summary>
    public const string PipeImage = "pipebench.img";

    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(180);

    /// <summary>Runs both sides and prints the table; the exit code as <see cref="BenchVerb"/>'s.</summary>
    public static async Task<int> RunAsync(RepositoryLayout layout, BenchRequest request, BenchEnvironment environment, CancellationToken cancel)
    {
        var capos = new List<(IReadOnlyDictionary<string, CapOSFigure>, double)>();
        var reasons = new Dictionary<string, string>(StringComparer.Ordinal);
        var extra = new List<string>();
        bool failed = false;
        using var images = new BenchImages();
        for (int run = 1; run <= request.Runs; run++)
        {
            var figures = new Dictionary<string, CapOSFigure>(StringComparer.Ordinal);
            double mhz = 0;
            LauncherConsole.Info($"bench: lmbench CapOS run {run} of {request.Runs}: ipcbench.img");
            string ipcImage = layout.PristineImage(IpcBench.ImageName);
            if (!File.Exists(ipcImage))
            {
                Missing(reasons, ["null-call", "ipc-rt", "ctx-switch", "page-fault"], layout, ipcImage);
            }
            else if (Judge(await IpcBench.RunOnceAsync(layout, images, ipcImage, request.Deterministic, cancel).ConfigureAwait(false),
                reasons, ["null-call", "ipc-rt", "ctx-switch", "page-fault"], ref failed) is IpcRun ipc)
            {
                Merge(figures, CapOSLmbench.FromIpc(ipc));
                mhz = ipc.TscMhz;
            }
            LauncherConsole.Info($"bench: lmbench CapOS run {run} of {request.Runs}: {PipeImage}");
            string pipeImage = layout.PristineImage(PipeImage);
            if (!File.Exists(pipeImage))
            {
                Missing(reasons, ["pipe-latency", "pipe-bandwidth", "pipe-bandwidth-64k"], layout, pipeImage);
            }
            else if (Judge(await BootAsync(layout, images, pipeImage, @"pipebench: (done|FAILED)", request.Deterministic, cancel).ConfigureAwait(false),
                reasons, ["pipe-latency", "pipe-bandwidth", "pipe-bandwidth-64k"], ref failed) is CapOSBoot boot)
            {
                (Dictionary<string, CapOSFigure>? pipe, string? error) = CapOSLmbench.FromPipe(boot.Lines);
                if (pipe is null)
                {
                    failed = true;
                    Reason(reasons, ["pipe-latency", "pipe-bandwidth", "pipe-bandwidth-64k"], $"boot failed: {error}");
                }
                else
                {
                    Merge(figures, pipe);
                    mhz = mhz > 0 ? mhz : boot.TscMhz;
                }
            }
            var booted = new Dictionary<string, BootReading<CapOSBoot>>(StringComparer.Ordinal);
            foreach ((string row, string image, string system) in ContractImages)
            {
                string path = layout.PristineImage(image);
                if (!File.Exists(path))
                {
                    reasons[row] = $"not built yet: {system} (artifacts/images/{image}) does not exist in this tree";
                    continue;
                }
                if (!booted.TryGetValue(image, out BootReading<CapOSBoot>? reading))
                {
                    LauncherConsole.Info($"bench: lmbench CapOS run {run} of {request.Runs}: {image}");
                    reading = await BootAsync(layout, images, path, @"lmbench: done", request.Deterministic, cancel).ConfigureAwait(false);
                    booted[image] = reading;
                }
                if (Judge(reading, reasons, [row], ref failed) is CapOSBoot contract)
                {
                    var (read, error) = CapOSLmbench.ReadContract(contract.Lines);
                    if (read is not null && read.TryGetValue(row, out CapOSFigure? figure))
                    {
                        figures[row] = figure;
                        mhz = mhz > 0 ? mhz : contract.TscMhz;
                    }
                    else
                    {
                        failed = true;
                        reasons[row] = $"boot failed: {error ?? $"{image} printed no row={row}"}";
                    }
                }
            }
            if (figures.Count > 0 && mhz > 0)
            {
                capos.Add((figures, mhz));
            }
        }
        extra.AddRange(await CheckpointAsync(layout, images, request, cancel).ConfigureAwait(false));
        var linux = new List<LinuxRun>();
        string? linuxReason = null;
        var guest = new LinuxGuest(Path.Combine(layout.Root, LinuxGuest.CacheDirectoryName));
        try
        {
            linuxReason = await guest.PrepareAsync(LauncherConsole.Info, cancel).ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or InvalidDataException or System.ComponentModel.Win32Exception)
        {
            linuxReason = $"the Linux guest could not be assembled: {e.Message}";
        }
        for (int run = 1; linuxReason is null && run <= request.Runs; run++)
        {
            LauncherConsole.Info($"bench: lmbench Linux run {run} of {request.Runs} (1-3 minutes, more on a busy host)");
            BootReading<LinuxRun> reading = await LinuxLmbench.RunOnceAsync(guest, request.Deterministic, cancel).ConfigureAwait(false);
            if (reading.Value is LinuxRun value)
            {
                linux.Add(value);
                continue;
            }
            failed = true;
            linuxReason = $"boot failed (run {run}): {reading.Failure}; log: {Keep(layout, $"lmbench-linux-run{run}.log", reading.Evidence ?? "")}";
        }
        IReadOnlyList<LmbenchLine> lines = LmbenchLine.Combine(capos, reasons, linux, linuxReason, request.Deterministic);
        string directory = Path.Combine(layout.Artifacts, "bench");
        Directory.CreateDirectory(directory);
        string chart = Path.Combine(directory, "lmbench.svg");
        string subtitle = request.Deterministic ? "icount: instruction counts, same QEMU flags on both sides" : "TCG wall clock, same QEMU flags on both sides";
        await File.WriteAllTextAsync(chart, LmbenchChart.Render(lines, subtitle), cancel).ConfigureAwait(false);
        extra.Add($"chart: {Path.GetRelativePath(layout.Root, chart)}");
        Console.Out.Write(LmbenchTable.Render(environment, request.Runs, request.Deterministic, lines, extra));
        if (failed)
        {
            LauncherConsole.Failure("a boot failed; its serial log is in artifacts/bench/");
            return BenchVerb.BenchFailed;
        }
        return lines.Any(l => l.CapOS.Reason is null || l.Linux.Reason is null) ? 0 : BenchVerb.BenchFailed;
    }

    /// <summary>A CapOS boot's lines and the kernel's TSC rate.</summary>
    private sealed record CapOSBoot(IReadOnlyList<string> Lines, double TscMhz);

    private static T? Judge<T>(BootReading<T> reading, Dictionary<string, string> reasons, string[] rows, ref bool failed)
        where T : class
    {
        if (reading.Value is T value)
        {
            return value;
        }
        failed |= reading.Failure is not null;
        Reason(reasons, rows, reading.Failure is string f ? $"boot failed: {f}" : $"not available: {reading.Unavailable}");
        return null;
    }

    private static void Reason(Dictionary<string, string> reasons, string[] rows, string why)
    {
        foreach (string row in rows)
        {
            reasons[row] = why;
        }
    }

    private static void Missing(Dictionary<string, string> reasons, string[] rows, RepositoryLayout layout, string image) =>
        Reason(reasons, rows, $"not available: {Path.GetRelativePath(layout.Root, image)} is missing (./capos build writes it)");

    private static void Merge(Dictionary<string, CapOSFigure> into, IReadOnlyDictionary<string, CapOSFigure> from)
    {
        foreach ((string row, CapOSFigure figure) in from)
        {
            into[row] = figure;
        }
    }

    /// <summary>Boots a copy of a CapOS image, waits for <paramref name="goal"/> (or a failure line), kills it.</summary>
    private static async Task<BootReading<CapOSBoot>> BootAsync(RepositoryLayout layout, BenchImages images, string image, string goal,
        bool deterministic, CancellationToken cancel)
    {
        QemuOptions options = Harness.CapOSBoot.Kernel(layout, null, Accelerator.Tcg, images.CopyOf(image)) with { Deterministic = deterministic };
        QemuMachine machine = await QemuMachine.StartAsync(options, cancel: cancel).ConfigureAwait(false);
        await using (machine.ConfigureAwait(false))
        {
            try
            {
                await machine.Serial.WaitForLineAsync(BenchBoot.Settled($@"(user\[\d+\]: )?{goal}"), Limit, cancel).ConfigureAwait(false);
            }
            catch (SerialWaitException)
            {
                // The reading below says what is missing.
            }
            await machine.KillAsync().ConfigureAwait(false);
            IReadOnlyList<string> lines = [.. machine.Serial.Lines];
            string? failure = BenchBoot.FailureLine(lines) ?? lines.FirstOrDefault(l => BenchLines.ProcessFault().IsMatch(l));
            Match? timer = BenchLines.First(lines, BenchLines.TimerRate());
            BootReading<CapOSBoot> reading = failure is not null ? BootReading<CapOSBoot>.Failed(failure)
                : timer is null ? BootReading<CapOSBoot>.Failed("no 'timer: ... tsc-mhz=' line")
                : BootReading<CapOSBoot>.Measured(new CapOSBoot(lines, BenchLines.Number(timer, "mhz")));
            return reading.Failure is null ? reading : BenchBoot.WithEvidence(reading, machine);
        }
    }

    /// <summary>The checkpoint figures <c>bench checkpoint</c> has (snapshot pause, stabilization, migration by dirty
    /// count), as lines under the table: Linux has no counterpart.</summary>
    private static async Task<IReadOnlyList<string>> CheckpointAsync(RepositoryLayout layout, BenchImages images, BenchRequest request, CancellationToken cancel)
    {
        string image = layout.PristineImage(BenchImages.CheckpointImageName);
        if (!File.Exists(image) || !File.Exists(layout.TestKernelElf))
        {
            return ["checkpoint: not available: artifacts/images/bench.img or the test kernel is missing"];
        }
        LauncherConsole.Info("bench: lmbench CapOS checkpoint (bench=checkpoint, one run)");
        BootReading<IReadOnlyList<CheckpointSample>> reading =
            await CheckpointBench.RunOnceAsync(layout, images, image, request.Deterministic, cancel).ConfigureAwait(false);
        if (reading.Value is not IReadOnlyList<CheckpointSample> samples)
        {
            return [$"checkpoint: {reading.Failure ?? reading.Unavailable}"];
        }
        return [.. CheckpointBench.Rows([samples], null).Where(r => r.Reason is null && r.Measure.StartsWith("snapshot pause", StringComparison.Ordinal))
            .Select(r => string.Create(CultureInfo.InvariantCulture, $"checkpoint (CapOS only): {r.Measure}: {BenchTable.Format(r.Median)} {r.Unit}"))];
    }

    private static string Keep(RepositoryLayout layout, string name, string evidence)
    {
        string directory = Path.Combine(layout.Artifacts, "bench");
        Directory.CreateDirectory(directory);
        string path = Path.Combine(directory, name);
        File.WriteAllText(path, evidence);
        return Path.GetRelativePath(layout.Root, path);
    }
}
