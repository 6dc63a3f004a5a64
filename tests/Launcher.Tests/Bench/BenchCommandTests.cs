using System.CommandLine;
using System.Threading.Tasks;
using CapOS.Launcher.Bench;
using Xunit;

namespace CapOS.Launcher.Tests.Bench;

public class BenchCommandTests
{
    private BenchRequest? _request;

    [Fact]
    public async Task Defaults()
    {
        Assert.Equal(0, await InvokeAsync("bench", "checkpoint"));

        Assert.Equal(new BenchRequest(BenchCommand.DefaultRuns, false, false), _request);
        Assert.Equal(BenchSuite.Checkpoint, _request!.Suite);
    }

    [Fact]
    public async Task EveryOption()
    {
        Assert.Equal(0, await InvokeAsync("bench", "checkpoint", "--runs", "7", "--deterministic", "--no-build"));

        Assert.Equal(new BenchRequest(7, true, true), _request);
    }

    [Fact]
    public async Task FaultsIsTheOtherSuiteWithTheSameOptions()
    {
        Assert.Equal(0, await InvokeAsync("bench", "faults", "--runs", "2", "--deterministic"));

        Assert.Equal(new BenchRequest(2, true, false) { Suite = BenchSuite.Faults }, _request);
    }

    [Fact]
    public async Task IpcIsASuiteWithTheSameOptions()
    {
        Assert.Equal(0, await InvokeAsync("bench", "ipc", "--no-build"));

        Assert.Equal(new BenchRequest(BenchCommand.DefaultRuns, false, true) { Suite = BenchSuite.Ipc }, _request);
    }

    [Fact]
    public async Task LmbenchIsASuiteWithTheSameOptions()
    {
        Assert.Equal(0, await InvokeAsync("bench", "lmbench", "--deterministic", "--runs", "2", "--no-build"));

        Assert.Equal(new BenchRequest(2, true, true) { Suite = BenchSuite.Lmbench }, _request);
    }

    [Fact]
    public async Task TheVerbsExitCodeIsReturned()
    {
        Assert.Equal(BenchVerb.BenchFailed, await InvokeAsync(BenchVerb.BenchFailed, "bench", "checkpoint", "--runs", "1"));
        Assert.Equal(1, _request!.Runs);
    }

    [Theory]
    [InlineData("bench")]
    [InlineData("bench", "checkpoint", "--runs", "0")]
    [InlineData("bench", "checkpoint", "--runs", "x")]
    [InlineData("bench", "checkpoint", "--seed", "3")]
    [InlineData("bench", "disk")]
    public async Task BadCommandLinesDoNotRun(params string[] args)
    {
        Assert.NotEqual(0, await InvokeAsync(args));

        Assert.Null(_request);
    }

    [Fact]
    public async Task WithoutABenchActionThereIsNoVerb()
    {
        RootCommand root = LauncherCommands.Create(_ => Task.FromResult(0), (_, _) => Task.FromResult(0), (_, _) => Task.FromResult(0));

        var error = new System.IO.StringWriter();
        Assert.NotEqual(0, await root.Parse(["bench", "checkpoint"]).InvokeAsync(new InvocationConfiguration { Error = error, Output = error }));
    }

    private Task<int> InvokeAsync(params string[] args) => InvokeAsync(0, args);

    private async Task<int> InvokeAsync(int code, params string[] args)
    {
        RootCommand root = LauncherCommands.Create(_ => Task.FromResult(0), (_, _) => Task.FromResult(0),
            (_, _) => Task.FromResult(0), (_, _) => Task.FromResult(0), (request, _) =>
            {
                _request = request;
                return Task.FromResult(code);
            });
        var error = new System.IO.StringWriter();
        return await root.Parse(args).InvokeAsync(new InvocationConfiguration { Error = error, Output = error });
    }
}
