using System;
using System.IO;
using System.Threading.Tasks;
using CapOS.Harness;
using Xunit;

namespace CapOS.Launcher.Tests.Harness;

/// <summary>The harness against real QEMU, booting Fixtures/fixture.asm (assembled by this project's build).</summary>
public class QemuMachineTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    private static string Fixture
    {
        get
        {
            string path = Path.Combine(AppContext.BaseDirectory, "Fixtures", "fixture.bin");
            Assert.True(File.Exists(path), $"{path} is missing: the test project's build assembles it with nasm");
            return path;
        }
    }

    [Fact]
    public async Task ReadsSerialLinesAndMapsTheExitValue()
    {
        await using QemuMachine machine = await StartAsync("exit=5");

        await machine.WaitForLineAsync("^fixture: hello$", Timeout);
        var cmdline = await machine.WaitForLineAsync("^fixture: cmdline=\"(.*)\"$", Timeout);
        QemuExit exit = await machine.WaitForExitAsync(Timeout);

        Assert.EndsWith("exit=5", cmdline.Groups[1].Value);
        Assert.Equal(QemuExitKind.GuestExit, exit.Kind);
        Assert.Equal(5, exit.GuestValue);
        Assert.Equal(11, exit.Status);
    }

    [Fact]
    public async Task AGuestThatExitsAtOnceDoesNotRaceTheQmpHandshake()
    {
        for (int run = 0; run < 5; run++)
        {
            await using QemuMachine machine = await StartAsync("exit=0");

            QemuExit exit = await machine.WaitForExitAsync(Timeout);

            Assert.Equal(QemuExitKind.GuestExit, exit.Kind);
            Assert.Contains("fixture: hello", machine.Serial.Lines);
        }
    }

    [Fact]
    public async Task TripleFaultEndsWithoutAGuestValue()
    {
        await using QemuMachine machine = await StartAsync("reset");

        QemuExit exit = await machine.WaitForExitAsync(Timeout);

        Assert.Equal(QemuExitKind.NoGuestValue, exit.Kind);
    }

    [Fact]
    public async Task KeepsTheUnterminatedLastLine()
    {
        await using QemuMachine machine = await StartAsync("partial");

        QemuExit exit = await machine.WaitForExitAsync(Timeout);

        Assert.Equal(0, exit.GuestValue);
        Assert.Equal("partial", machine.Serial.Lines[^1]);
    }

    [Fact]
    public async Task HangTimesOutWithTheLogAndQmpRegisters()
    {
        await using QemuMachine machine = await StartAsync("hang");
        await machine.WaitForLineAsync("^fixture: hanging$", Timeout);

        var failure = await Assert.ThrowsAsync<TimeoutException>(() => machine.WaitForExitAsync(TimeSpan.FromMilliseconds(200)));

        Assert.Contains("fixture: hanging", failure.Message);
        Assert.Contains("status: running", failure.Message);
        Assert.Contains("IP=", failure.Message);
        Assert.True(machine.IsRunning);
    }

    [Fact]
    public async Task WaitForLineFailsFastWhenQemuExits()
    {
        await using QemuMachine machine = await StartAsync("exit=0");

        var failure = await Assert.ThrowsAsync<SerialWaitException>(() => machine.WaitForLineAsync("^never$", Timeout));

        Assert.Contains("closed before", failure.Message);
        Assert.Contains("fixture: hello", failure.Message);
        Assert.Contains("-kernel", failure.Message);
    }

    [Fact]
    public async Task KillIsSigkill()
    {
        await using QemuMachine machine = await StartAsync("hang");
        await machine.WaitForLineAsync("^fixture: hanging$", Timeout);

        QemuExit exit = await machine.KillAsync();

        Assert.Equal(QemuExitKind.Killed, exit.Kind);
        Assert.Equal(128 + 9, exit.Status);
        Assert.False(machine.IsRunning);
    }

    [Fact]
    public async Task QmpStatusAndQuit()
    {
        await using QemuMachine machine = await StartAsync("hang");
        await machine.WaitForLineAsync("^fixture: hanging$", Timeout);

        QmpStatus status = await machine.Qmp!.QueryStatusAsync(Timeout);
        QemuExit exit = await machine.QuitAsync(Timeout);

        Assert.Equal(new QmpStatus("running", true), status);
        Assert.Equal(QemuExitKind.NoGuestValue, exit.Kind);
        Assert.Contains(machine.Qmp.Events, e => e.Name == "SHUTDOWN");
    }

    [Fact]
    public async Task DeterministicRunsWithoutQmp()
    {
        var options = new QemuOptions { Kernel = Fixture, KernelCommandLine = "exit=2", Deterministic = true, EnableQmp = false };
        await using QemuMachine machine = await QemuMachine.StartAsync(options);

        QemuExit exit = await machine.WaitForExitAsync(Timeout);

        Assert.Null(machine.Qmp);
        Assert.Equal(2, exit.GuestValue);
    }

    [Fact]
    public async Task MissingKernelIsAStartFailureWithQemusMessage()
    {
        var options = new QemuOptions { Kernel = "/nonexistent/kernel.elf" };

        var failure = await Assert.ThrowsAsync<QemuStartException>(async () =>
        {
            await using QemuMachine machine = await QemuMachine.StartAsync(options);
            await machine.WaitForExitAsync(Timeout);
        });

        Assert.Contains("/nonexistent/kernel.elf", failure.Message);
    }

    [Fact]
    public async Task MissingQemuBinaryIsAStartFailure()
    {
        var options = new QemuOptions { Kernel = Fixture, QemuBinary = "/nonexistent/qemu" };

        var failure = await Assert.ThrowsAsync<QemuStartException>(() => QemuMachine.StartAsync(options));

        Assert.Contains("qemu-system-x86", failure.Message);
    }

    [Fact]
    public async Task DisposeKillsARunningMachineAndRemovesItsDirectory()
    {
        QemuMachine machine = await StartAsync("hang");
        string directory = machine.WorkDirectory;
        int pid = machine.ProcessId;

        await machine.DisposeAsync();

        Assert.False(Directory.Exists(directory));
        Assert.Throws<ArgumentException>(() => System.Diagnostics.Process.GetProcessById(pid));
    }

    private static Task<QemuMachine> StartAsync(string commandLine) =>
        QemuMachine.StartAsync(new QemuOptions { Kernel = Fixture, KernelCommandLine = commandLine });
}
