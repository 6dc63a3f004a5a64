using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using CapOS.Harness;

namespace CapOS.Launcher.Bench;

/// <summary>
/// <c>capos bench checkpoint|faults|ipc</c>: build unless told not to, then run the suite's phases (checkpoint: raw
/// disk, checkpoint, recovery; faults: the page-fault boot; ipc: the IPC boot; docs/bench.md) and print one table on stdout,
/// progress on stderr. Exit codes: 0 something was
/// measured and no boot failed; 1 nothing could be measured, a boot failed (its log is kept in
/// artifacts/bench/), or the build failed or the kernel is missing; 2 bad command line; 130 interrupted.
/// </summary>
public static class BenchVerb
{
    /// <summary>Nothing measured, or a boot failed.</summary>
    public const int BenchFailed = 1;

    /// <summary>Runs the verb.</summary>
    public static async Task<int> RunAsync(RepositoryLayout layout, BenchRequest request, CancellationToken cancel)
    {
        if (!request.NoBuild && await BuildVerb.BuildSolutionAsync(layout, quiet: true, cancel).ConfigureAwait(false) != 0)
        {
            LauncherConsole.Failure("build failed");
            return LauncherExitCodes.BuildFailed;
        }
        if (layout.MissingKernelArtifacts() is { Count: > 0 } missing)
        {
            LauncherConsole.Failure($"{string.Join(", ", missing)} missing: run ./capos build and read its errors");
            return LauncherExitCodes.BuildFailed;
        }
        BenchEnvironment environment = await BenchEnvironment.ProbeAsync(new QemuOptions().QemuBinary, request.Deterministic)
            .ConfigureAwait(false);
        if (request.Suite == BenchSuite.Lmbench)
        {
            try
            {
                return await Lmbench.LmbenchSuite.RunAsync(layout, request, environment, cancel).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (cancel.IsCancellationRequested)
            {
                LauncherConsole.Info("interrupted");
                return LauncherExitCodes.Interrupted;
            }
        }
        var session = new Session(layout, request, cancel);
        try
        {
            await session.RunAllAsync().ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancel.IsCancellationRequested)
        {
            LauncherConsole.Info("interrupted");
            return LauncherExitCodes.Interrupted;
        }
        finally
        {
            session.Dispose();
        }
        Console.Out.Write(BenchTable.Render(environment, request.Runs, request.Deterministic, session.Rows, Verb(request.Suite)));
        return Verdict(session.Rows, session.BootFailed);
    }

    /// <summary>0 when a row was measured and no boot failed; else <see cref="BenchFailed"/>.</summary>
    public static int Verdict(IReadOnlyList<BenchRow> rows, bool bootFailed)
    {
        if (bootFailed)
        {
            LauncherConsole.Failure("a boot failed; its serial log is in artifacts/bench/");
            return BenchFailed;
        }
        if (!rows.Any(r => r.Reason is null))
        {
            LauncherConsole.Failure("nothing could be measured");
            return BenchFailed;
        }
        return 0;
    }

    /// <summary>The sub-verb's name, as the table's title says it.</summary>
    public static string Verb(BenchSuite suite) => suite switch
    {
        BenchSuite.Faults => "faults",
        BenchSuite.Ipc => "ipc",
        BenchSuite.Lmbench => "lmbench",
        _ => "checkpoint",
    };

    /// <summary>One invocation's phases, their rows and their scratch disks.</summary>
    private sealed class Session(RepositoryLayout layout, BenchRequest request, CancellationToken cancel) : IDisposable
    {
        private readonly BenchImages _images = new();
        private readonly List<BenchRow> _rows = [];

        public IReadOnlyList<BenchRow> Rows => _rows;

        public bool BootFailed { get; private set; }

        private string PlugImage => layout.PristineImage(Plug.PlugWorkloads.ImageName(Plug.PlugWorkload.Kernel));

        private string CheckpointImage => layout.PristineImage(BenchImages.CheckpointImageName);

        public async Task RunAllAsync()
        {
            if (request.Suite == BenchSuite.Faults)
            {
                await RunFaultsAsync().ConfigureAwait(false);
                return;
            }
            if (request.Suite == BenchSuite.Ipc)
            {
                await RunIpcAsync().ConfigureAwait(false);
                return;
            }
            double? rawWrite = null;
            if (Present(RawDiskBench.Section, layout.PristineImage(BenchImages.RawDiskVolumeName)))
            {
                List<RawDiskRun> raw = await PhaseAsync(RawDiskBench.Section, "raw-disk",
                    () => RawDiskBench.RunOnceAsync(layout, _images, request.Deterministic, cancel)).ConfigureAwait(false);
                if (raw.Count > 0)
                {
                    Insert(RawDiskBench.Section, RawDiskBench.Rows(raw));
                    rawWrite = BenchRow.MedianOf([.. raw.Select(r => r.WriteMbps)]);
                }
            }
            if (Present(CheckpointBench.Section, CheckpointImage))
            {
                List<IReadOnlyList<CheckpointSample>> samples = await PhaseAsync(CheckpointBench.Section, "checkpoint",
                    () => CheckpointBench.RunOnceAsync(layout, _images, CheckpointImage, request.Deterministic, cancel)).ConfigureAwait(false);
                Insert(CheckpointBench.Section, samples.Count > 0 ? CheckpointBench.Rows(samples, rawWrite) : []);
            }
            if (Present(RecoveryBench.Section, PlugImage))
            {
                List<RecoveryRun> recoveries = await PhaseAsync(RecoveryBench.Section, "recovery",
                    () => RecoveryBench.RunOnceAsync(layout, _images, PlugImage, request.Deterministic, cancel)).ConfigureAwait(false);
                Insert(RecoveryBench.Section, recoveries.Count > 0 ? RecoveryBench.Rows(recoveries) : []);
            }
        }

        public void Dispose() => _images.Dispose();

        private async Task RunFaultsAsync()
        {
            string image = layout.PristineImage(PageFaultBench.ImageName);
            if (Present(PageFaultBench.Section, image))
            {
                List<FaultRun> runs = await PhaseAsync(PageFaultBench.Section, "faults",
                    () => PageFaultBench.RunOnceAsync(layout, _images, image, request.Deterministic, cancel)).ConfigureAwait(false);
                Insert(PageFaultBench.Section, runs.Count > 0 ? PageFaultBench.Rows(runs) : []);
            }
        }

        private async Task RunIpcAsync()
        {
            string image = layout.PristineImage(IpcBench.ImageName);
            if (Present(IpcBench.Section, image))
            {
                List<IpcRun> runs = await PhaseAsync(IpcBench.Section, "ipc",
                    () => IpcBench.RunOnceAsync(layout, _images, image, request.Deterministic, cancel)).ConfigureAwait(false);
                Insert(IpcBench.Section, runs.Count > 0 ? IpcBench.Rows(runs, request.Deterministic) : []);
            }
        }

        /// <summary>True when <paramref name="image"/> exists; else records the phase as not available.</summary>
        private bool Present(string section, string image)
        {
            if (File.Exists(image))
            {
                return true;
            }
            _rows.Add(BenchRow.Unavailable(section, "", $"not available: {Path.GetRelativePath(layout.Root, image)} is missing (./capos build writes it)"));
            return false;
        }

        /// <summary>Puts a phase's measured rows before its reason row (if any), so the figures come first.</summary>
        private void Insert(string section, IReadOnlyList<BenchRow> rows)
        {
            int at = _rows.FindIndex(r => r.Section == section);
            _rows.InsertRange(at >= 0 ? at : _rows.Count, rows);
        }

        /// <summary>Runs a phase up to <c>--runs</c> times; stops at the first boot that fails or cannot measure,
        /// recording why as a row. Returns the figures of the runs that measured.</summary>
        private async Task<List<T>> PhaseAsync<T>(string section, string name, Func<Task<BootReading<T>>> once)
            where T : class
        {
            var values = new List<T>();
            for (int run = 1; run <= request.Runs; run++)
            {
                LauncherConsole.Info($"bench: {name} run {run} of {request.Runs}");
                BootReading<T> reading;
                try
                {
                    reading = await once().ConfigureAwait(false);
                }
                catch (QemuStartException e)
                {
                    reading = BootReading<T>.Failed(e.Message);
                }
                if (reading.Value is T value)
                {
                    values.Add(value);
                    continue;
                }
                if (reading.Failure is string failure)
                {
                    BootFailed = true;
                    string log = Keep(name, run, reading.Evidence ?? failure);
                    _rows.Add(BenchRow.Unavailable(section, "", $"boot failed (run {run}): {failure}; log: {log}"));
                    LauncherConsole.Failure($"bench: {name} run {run}: {failure}");
                }
                else
                {
                    _rows.Add(BenchRow.Unavailable(section, "", $"not available: {reading.Unavailable}"));
                    LauncherConsole.Info($"bench: {name}: not available: {reading.Unavailable}");
                }
                break;
            }
            return values;
        }

        private string Keep(string name, int run, string evidence)
        {
            string directory = Path.Combine(layout.Artifacts, "bench");
            Directory.CreateDirectory(directory);
            string path = Path.Combine(directory, $"{name}-run{run}.log");
            File.WriteAllText(path, evidence);
            return Path.GetRelativePath(layout.Root, path);
        }
    }
}
