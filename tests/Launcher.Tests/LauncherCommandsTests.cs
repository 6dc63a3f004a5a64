using System.Collections.Generic;
using System.CommandLine;
using System.IO;
using System.Threading.Tasks;
using Xunit;

namespace CapOS.Launcher.Tests;

public class LauncherCommandsTests
{
    private RunRequest? _run;
    private bool _built;
    private IReadOnlyList<string>? _tested;

    [Fact]
    public async Task RunDefaults()
    {
        Assert.Equal(0, await InvokeAsync("run"));

        Assert.Equal(new RunRequest(false, false, null, null, AcceleratorRequest.Auto, false, false, null), _run);
    }

    [Fact]
    public async Task RunWithEveryOption()
    {
        Assert.Equal(0, await InvokeAsync("run", "--gdb", "--append", "exit-when-idle test=kernel-pagefault",
            "--timeout", "2.5", "--accel", "tcg", "--no-build", "--deterministic", "--debug-log", "int.log"));

        Assert.Equal(
            new RunRequest(true, false, "exit-when-idle test=kernel-pagefault", 2.5, AcceleratorRequest.Tcg, true, true, "int.log"),
            _run);
    }

    [Fact]
    public async Task RunWithDiskOrWithout()
    {
        await InvokeAsync("run", "--disk", "/tmp/x.img");
        Assert.Equal("/tmp/x.img", _run!.Disk);
        Assert.False(_run.NoDisk);

        await InvokeAsync("run", "--no-disk");
        Assert.Null(_run.Disk);
        Assert.True(_run.NoDisk);
    }

    [Fact]
    public async Task AccelIsCaseInsensitiveEnum()
    {
        await InvokeAsync("run", "--iso", "--accel", "kvm");

        Assert.Equal(AcceleratorRequest.Kvm, _run!.Accelerator);
        Assert.True(_run.Iso);
    }

    [Theory]
    [InlineData("run", "--iso", "--append", "x")]
    [InlineData("run", "--timeout", "0")]
    [InlineData("run", "--accel", "hyperv")]
    [InlineData("run", "--disk", "a.img", "--no-disk")]
    [InlineData("frobnicate")]
    public async Task BadCommandLinesDoNotRun(params string[] args)
    {
        Assert.NotEqual(0, await InvokeAsync(args));

        Assert.Null(_run);
        Assert.False(_built);
    }

    [Fact]
    public async Task BuildVerb()
    {
        Assert.Equal(0, await InvokeAsync("build"));

        Assert.True(_built);
    }

    [Fact]
    public async Task TestVerbPassesItsArgumentsOn()
    {
        Assert.Equal(0, await InvokeAsync("test", "--filter", "FullyQualifiedName~Boot"));

        Assert.Equal(["--filter", "FullyQualifiedName~Boot"], _tested);
    }

    private async Task<int> InvokeAsync(params string[] args)
    {
        RootCommand root = LauncherCommands.Create(
            _ =>
            {
                _built = true;
                return Task.FromResult(0);
            },
            (request, _) =>
            {
                _run = request;
                return Task.FromResult(0);
            },
            (arguments, _) =>
            {
                _tested = arguments;
                return Task.FromResult(0);
            });
        var quiet = new InvocationConfiguration { Output = TextWriter.Null, Error = TextWriter.Null };
        return await root.Parse(args).InvokeAsync(quiet);
    }
}
