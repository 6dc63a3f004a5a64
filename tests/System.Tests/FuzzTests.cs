extern alias Launcher;

using System.IO;
using System.Threading;
using System.Threading.Tasks;
using CapOS.Harness;
using Launcher::CapOS.Launcher.Fuzz;
using Xunit;
using Xunit.Abstractions;

namespace CapOS.SystemTests;

/// <summary>
/// A short invocation fuzz against the real kernel, run through <see cref="FuzzCampaign"/> exactly as
/// <c>./capos fuzz</c> runs it (docs/fuzz.md; issue 11 item 6: the test command runs a short fuzz): two fuzzers,
/// a fixed seed, the shipped description's parameters. No panic, no hang, no failed or stopped checkpoint,
/// every fuzzer done, and nothing outside the fuzzers' reach changed.
/// </summary>
public sealed class FuzzTests(ITestOutputHelper output)
{
    private static readonly RepositoryLayout Layout = RepositoryLayout.Locate();


    [Fact]
    public async Task TwoFuzzersPassTheJudgeAndTheAuthorityCheck()
    {
        var missing = Layout.MissingKernelArtifacts();
        Assert.True(missing.Count == 0, $"the fuzz test needs {string.Join(", ", missing)}, which the solution build writes");
        FuzzSystemOptions shipped = FuzzSystem.Default;
        var request = new FuzzRequest(shipped.Invocations, shipped.Seed, shipped.Fuzzers, CheckpointIntervalMs: 100, HangSeconds: 60,
            KeepLogs: null, NoBuild: true);
        DirectoryInfo directory = Directory.CreateTempSubdirectory("capos-fuzz-test-");

        FuzzCampaignResult result = await FuzzCampaign.RunAsync(Layout, request, directory.FullName, null, CancellationToken.None);

        string report = $"{result.Summary?.Render()}{result.Authority}";
        output.WriteLine(report);
        Assert.True(result.Passed, $"{result.Failure}; the run's files are in {directory.FullName}\n{report}");
        Assert.Equal(shipped.Invocations * (long)shipped.Fuzzers, result.Summary!.Invocations);
        Assert.True(result.Summary.Faults > 0, "the fuzzers must fault on purpose");
        Assert.True(result.Summary.Commits > 0, "checkpoints must commit during the run");
        Assert.Contains("outside=0", result.Authority, System.StringComparison.Ordinal);
        directory.Delete(recursive: true);
    }
}
