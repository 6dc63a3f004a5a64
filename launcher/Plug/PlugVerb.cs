using System;
using System.IO;
using System.Threading;
using System.Threading.Tasks;
using CapOS.Harness;

namespace CapOS.Launcher.Plug;

/// <summary>
/// <c>capos plug</c>: build unless told not to, check the artifacts, run the campaign (docs/plug.md) with its
/// progress and summary on stdout. Exit codes: 0 every cycle passed; 1 a cycle failed, or the build failed or
/// an artifact is missing (the message says which); 2 bad command line; 130 interrupted.
/// </summary>
public static class PlugVerb
{
    /// <summary>A cycle failed.</summary>
    public const int CampaignFailed = 1;

    /// <summary>How long a boot may take to settle recovery.</summary>
    public static readonly TimeSpan BootLimit = TimeSpan.FromSeconds(60);

    /// <summary>Runs the verb.</summary>
    public static async Task<int> RunAsync(RepositoryLayout layout, PlugRequest request, CancellationToken cancel)
    {
        if (!request.NoBuild && await BuildVerb.BuildSolutionAsync(layout, quiet: true, cancel).ConfigureAwait(false) != 0)
        {
            LauncherConsole.Failure("build failed");
            return LauncherExitCodes.BuildFailed;
        }
        string image = Path.GetFullPath(request.Image ?? layout.PristineImage(PlugWorkloads.ImageName(request.Workload)));
        if (!File.Exists(image))
        {
            LauncherConsole.Failure($"{image} is missing: build it with imagegen from {PlugWorkloads.Description(request.Workload)} (./capos build)");
            return LauncherExitCodes.BuildFailed;
        }
        if (layout.MissingKernelArtifacts() is { Count: > 0 } missing)
        {
            LauncherConsole.Failure($"{string.Join(", ", missing)} missing: run ./capos build and read its errors");
            return LauncherExitCodes.BuildFailed;
        }
        var settings = new PlugSettings(request.Cycles, request.Seed, request.Mode, image,
            Path.GetFullPath(request.KeepLogs ?? DefaultKeepLogs(layout, request)), request.CheckpointIntervalMs, BootLimit,
            request.States, request.Workload);
        LauncherConsole.Info($"plug: {settings.Cycles} cycles, seed {settings.Seed}, mode {Name(settings.Mode)}, workload {settings.Workload.ToString().ToLowerInvariant()}, image {image}");
        QemuOptions Machine(BlockChain chain) =>
            PlugWorkloads.Boot(layout, PlugLines.CommandLine(request.CheckpointIntervalMs, request.Workload), request.Workload) with
            {
                ExtraArguments = chain.Arguments,
                Deterministic = request.Deterministic,
            };
        var progress = new PlugProgress(Console.Out, interactive: !Console.IsOutputRedirected);
        PlugSummary summary = await new PlugCampaign(settings, Machine, progress).RunAsync(cancel).ConfigureAwait(false);
        Console.Out.Write(summary.Render());
        if (summary.Failures > 0 || (!summary.Passed && !cancel.IsCancellationRequested))
        {
            LauncherConsole.Failure($"a cycle failed; its serial log, report and boot image are in {settings.KeepLogs}");
            return CampaignFailed;
        }
        if (cancel.IsCancellationRequested)
        {
            LauncherConsole.Info("interrupted");
            return LauncherExitCodes.Interrupted;
        }
        LauncherConsole.Success(
            $"{summary.Cycles.Count} cycles and the last recovery passed: every recovery reached its exact floor with its recorded contents");
        return 0;
    }

    /// <summary>artifacts/plug/seed-S-mode: named after what reproduces it, no time stamp.</summary>
    public static string DefaultKeepLogs(RepositoryLayout layout, PlugRequest request) =>
        Path.Combine(layout.Artifacts, "plug", $"seed-{request.Seed}-{Name(request.Mode)}");

    private static string Name(PlugMode mode) => mode.ToString().ToLowerInvariant();
}
