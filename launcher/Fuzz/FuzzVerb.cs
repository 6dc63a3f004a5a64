using System;
using System.Globalization;
using System.IO;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using CapOS.Harness;

namespace CapOS.Launcher.Fuzz;

/// <summary>
/// <c>capos fuzz</c>: build unless told not to, run one fuzz campaign (<see cref="FuzzCampaign"/>) with a progress
/// bar, print the summary and the authority check. Exit codes: 0 passed; 1 failed (the message says why; the
/// run's files are kept); 2 bad command line; 130 interrupted.
/// </summary>
public static class FuzzVerb
{
    public const int Failed = 1;

    public static async Task<int> RunAsync(RepositoryLayout layout, FuzzRequest request, CancellationToken cancel)
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

        string directory = Path.GetFullPath(request.KeepLogs ?? FuzzCampaign.DefaultDirectory(layout, request));
        LauncherConsole.Info(string.Create(CultureInfo.InvariantCulture,
            $"fuzz: {request.Fuzzers} fuzzers x {request.Invocations} invocations, seed {request.Seed}, files in {directory}"));
        bool interactive = !Console.IsOutputRedirected;
        long total = (long)request.Invocations * request.Fuzzers;
        long lastShown = -1;
        int width = 0;
        void Progress(FuzzJudge judge)
        {
            long done = judge.Invocations;
            if (!interactive && done - lastShown < Math.Max(1, total / 10) && !judge.Complete)
            {
                return;
            }

            lastShown = done;
            int filled = (int)Math.Min(24, done * 24 / Math.Max(1, total));
            string text = string.Create(CultureInfo.InvariantCulture,
                $"[{new string('#', filled)}{new string('.', 24 - filled)}] {done}/{total} invocations, {judge.Done.Count}/{request.Fuzzers} done, {judge.Commits} commits, {judge.Kicks} kicks");
            if (interactive)
            {
                Console.Out.Write("\r" + text + new string(' ', Math.Max(0, width - text.Length)));
                width = text.Length;
            }
            else
            {
                Console.Out.WriteLine("fuzz: " + text);
            }
        }

        FuzzCampaignResult result = await FuzzCampaign.RunAsync(layout, request, directory, Progress, cancel).ConfigureAwait(false);
        if (interactive && width > 0)
        {
            Console.Out.WriteLine();
        }

        var report = new StringBuilder();
        if (result.Summary is not null)
        {
            report.Append(result.Summary.Render());
        }

        if (result.Authority is not null)
        {
            report.AppendLine(result.Authority);
        }

        Console.Out.Write(report.ToString());
        if (cancel.IsCancellationRequested)
        {
            LauncherConsole.Info("interrupted");
            return LauncherExitCodes.Interrupted;
        }

        if (!result.Passed)
        {
            LauncherConsole.Failure($"fuzz failed: {result.Failure}; the description, images and serial log are in {directory}");
            return Failed;
        }

        LauncherConsole.Success("fuzz passed: no panic, no hang, every checkpoint consistent, every fuzzer done, nothing outside their reach changed");
        return 0;
    }
}
