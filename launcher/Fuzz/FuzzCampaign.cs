using System;
using System.Diagnostics;
using System.IO;
using System.Threading;
using System.Threading.Tasks;
using CapOS.Harness;

namespace CapOS.Launcher.Fuzz;

/// <summary>
/// One fuzz run, as <c>./capos fuzz</c> and the boot test run it (docs/fuzz.md "Theory of operation"): write the
/// run's description (<see cref="FuzzSystem"/>), build its image with imagegen, boot a copy under QEMU and judge
/// the serial log (<see cref="FuzzJudge"/>), then compare the final disk with the pristine image (imagegen
/// <c>authority</c>). Everything is kept in <see cref="FuzzCampaignResult.Directory"/>.
/// </summary>
public static class FuzzCampaign
{
    /// <summary>Runs <paramref name="request"/> in <paramref name="directory"/>.</summary>
    public static async Task<FuzzCampaignResult> RunAsync(RepositoryLayout layout, FuzzRequest request, string directory,
        Action<FuzzJudge>? progress, CancellationToken cancel)
    {
        Directory.CreateDirectory(directory);
        string description = Path.Combine(directory, "fuzz.sys");
        string pristine = Path.Combine(directory, "pristine.img");
        string disk = Path.Combine(directory, "disk.img");
        await File.WriteAllTextAsync(description,
            FuzzSystem.Describe(new FuzzSystemOptions(request.Seed, request.Fuzzers, request.Invocations)), cancel).ConfigureAwait(false);
        (int built, string buildOutput) = await ImageGenAsync(layout, cancel, "build", description, "-o", pristine, "--artifacts", layout.Artifacts)
            .ConfigureAwait(false);
        if (built != 0)
        {
            return new FuzzCampaignResult(directory, null, null, $"imagegen build failed: {buildOutput}", null);
        }

        File.Copy(pristine, disk, overwrite: true);
        QemuOptions options = CapOSBoot.Kernel(layout, FuzzLines.CommandLine(request.CheckpointIntervalMs), Accelerator.Tcg, disk);
        string serial = Path.Combine(directory, "serial.log");
        File.Delete(serial);
        (FuzzJudge judge, string log) = await FuzzRunner.RunAsync(options, request.Fuzzers, TimeSpan.FromSeconds(request.HangSeconds), serial,
            progress, cancel).ConfigureAwait(false);
        await File.WriteAllTextAsync(serial, log, CancellationToken.None).ConfigureAwait(false);
        FuzzSummary summary = FuzzSummary.From(judge);
        if (judge.Failure is not null || !judge.Complete)
        {
            return new FuzzCampaignResult(directory, judge, summary, judge.Failure ?? "interrupted", null);
        }

        string[] arguments = ["authority", pristine, disk, "--roots", .. Array.ConvertAll(FuzzSystem.AuthorityRoots(request.Fuzzers), i => i.ToString(System.Globalization.CultureInfo.InvariantCulture))];
        (int authority, string authorityOutput) = await ImageGenAsync(layout, cancel, arguments).ConfigureAwait(false);
        return new FuzzCampaignResult(directory, judge, summary, authority == 0 ? null : "authority check failed", authorityOutput.TrimEnd());
    }

    /// <summary>artifacts/fuzz/seed-S: named after what reproduces it.</summary>
    public static string DefaultDirectory(RepositoryLayout layout, FuzzRequest request) =>
        Path.Combine(layout.Artifacts, "fuzz", string.Create(System.Globalization.CultureInfo.InvariantCulture, $"seed-{request.Seed}"));

    /// <summary>The imagegen the build wrote (imagegen/bin), run with <paramref name="arguments"/>; its exit code and output.</summary>
    private static async Task<(int Exit, string Output)> ImageGenAsync(RepositoryLayout layout, CancellationToken cancel, params string[] arguments)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(Path.Combine(layout.Root, "imagegen", "bin", "Debug", "net10.0", "imagegen.dll"));
        foreach (string argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using Process process = Process.Start(start) ?? throw new InvalidOperationException("cannot start dotnet");
        Task<string> output = process.StandardOutput.ReadToEndAsync(cancel);
        Task<string> error = process.StandardError.ReadToEndAsync(cancel);
        await process.WaitForExitAsync(cancel).ConfigureAwait(false);
        return (process.ExitCode, await output.ConfigureAwait(false) + await error.ConfigureAwait(false));
    }
}

/// <summary>A fuzz run's outcome: the judge (null when the image could not be built), its summary, the first failure (null: passed), the authority check's output.</summary>
public sealed record FuzzCampaignResult(string Directory, FuzzJudge? Judge, FuzzSummary? Summary, string? Failure, string? Authority)
{
    public bool Passed => Failure is null;
}
