using System.CommandLine;
using System.Threading.Tasks;
using CapOS.Launcher.Plug;
using Xunit;

namespace CapOS.Launcher.Tests.Plug;

public class PlugCommandTests
{
    private PlugRequest? _request;

    [Fact]
    public async Task Defaults()
    {
        Assert.Equal(0, await InvokeAsync("plug"));

        Assert.Equal(new PlugRequest(10, 1, null, null, PlugMode.Mixed, 100, false, false), _request);
        Assert.Equal(PlugWorkload.User, _request!.Workload);
    }

    [Fact]
    public async Task EveryOption()
    {
        Assert.Equal(0, await InvokeAsync("plug", "--cycles", "5", "--seed", "18446744073709551615", "--image", "x.img",
            "--keep-logs", "out", "--mode", "power", "--interval-ms", "25", "--deterministic", "--no-build", "--workload", "kernel"));

        Assert.Equal(new PlugRequest(5, ulong.MaxValue, "x.img", "out", PlugMode.Power, 25, true, true, Workload: PlugWorkload.Kernel), _request);
    }

    [Fact]
    public async Task TheServicesWorkload()
    {
        Assert.Equal(0, await InvokeAsync("plug", "--workload", "services"));

        Assert.Equal(PlugWorkload.Services, _request!.Workload);
    }

    [Theory]
    [InlineData("plug", "--cycles", "0")]
    [InlineData("plug", "--workload", "both")]
    [InlineData("plug", "--interval-ms", "-1")]
    [InlineData("plug", "--cycles", "x")]
    [InlineData("plug", "--interval-ms", "ten")]
    [InlineData("plug", "--mode", "flood")]
    [InlineData("plug", "--seed", "-3")]
    public async Task BadCommandLinesDoNotRun(params string[] args)
    {
        Assert.NotEqual(0, await InvokeAsync(args));

        Assert.Null(_request);
    }

    [Fact]
    public async Task WithoutAPlugActionThereIsNoVerb()
    {
        RootCommand root = LauncherCommands.Create(_ => Task.FromResult(0), (_, _) => Task.FromResult(0), (_, _) => Task.FromResult(0));

        var error = new System.IO.StringWriter();
        Assert.NotEqual(0, await root.Parse(["plug"]).InvokeAsync(new InvocationConfiguration { Error = error, Output = error }));
    }

    private async Task<int> InvokeAsync(params string[] args)
    {
        RootCommand root = LauncherCommands.Create(_ => Task.FromResult(0), (_, _) => Task.FromResult(0),
            (_, _) => Task.FromResult(0), (request, _) =>
            {
                _request = request;
                return Task.FromResult(0);
            });
        var error = new System.IO.StringWriter();
        return await root.Parse(args).InvokeAsync(new InvocationConfiguration { Error = error, Output = error });
    }
}
