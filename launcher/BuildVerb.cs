using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Threading;
using System.Threading.Tasks;
using CapOS.Harness;

namespace CapOS.Launcher;

/// <summary>
/// <c>capos build</c>: the one build, <c>dotnet build CapOS.sln</c>, which produces the kernel ELF, the user
/// programs, the host tools and the tests (incremental: a no-op build is quick). The GRUB CD has its own
/// target in the kernel project, built on demand for <c>run --iso</c>.
/// </summary>
public static class BuildVerb
{
    /// <summary>The kernel project and its target that writes artifacts/capos.iso.</summary>
    public const string IsoProject = "kernel/CapOS.Kernel.csproj";

    /// <summary>The MSBuild target that writes artifacts/capos.iso.</summary>
    public const string IsoTarget = "CapOSIso";

    /// <summary>Builds the solution; <paramref name="quiet"/> shows only errors and warnings.</summary>
    public static Task<int> BuildSolutionAsync(RepositoryLayout layout, bool quiet, CancellationToken cancel) =>
        DotnetAsync(layout, cancel, quiet, "build", layout.Solution, "-nologo");

    /// <summary>Runs every test: <c>dotnet test CapOS.sln</c> with extra arguments.</summary>
    public static Task<int> TestAsync(RepositoryLayout layout, IReadOnlyList<string> arguments, CancellationToken cancel) =>
        DotnetAsync(layout, cancel, false, ["test", layout.Solution, .. arguments]);

    /// <summary>Builds the GRUB CD.</summary>
    public static Task<int> BuildIsoAsync(RepositoryLayout layout, bool quiet, CancellationToken cancel) =>
        DotnetAsync(layout, cancel, quiet, "build", Path.Combine(layout.Root, IsoProject), "-nologo", "-t:" + IsoTarget);

    private static async Task<int> DotnetAsync(RepositoryLayout layout, CancellationToken cancel, bool quiet,
        params string[] arguments)
    {
        var start = new ProcessStartInfo("dotnet") { UseShellExecute = false, WorkingDirectory = layout.Root };
        foreach (string argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }
        if (quiet)
        {
            start.ArgumentList.Add("-v:q");
            start.ArgumentList.Add("-clp:NoSummary");
        }
        using Process process = Process.Start(start)!;
        try
        {
            await process.WaitForExitAsync(cancel).ConfigureAwait(false);
        }
        catch (System.OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }
        return process.ExitCode;
    }
}
