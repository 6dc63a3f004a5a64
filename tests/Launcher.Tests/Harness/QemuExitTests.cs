using CapOS.Harness;
using Xunit;

namespace CapOS.Launcher.Tests.Harness;

public class QemuExitTests
{
    [Theory]
    [InlineData(1, 0)]
    [InlineData(7, 3)]
    [InlineData(11, 5)]
    [InlineData(255, 127)]
    public void OddStatusIsAGuestValue(int status, int value)
    {
        var exit = QemuExit.Interpret(status, killedByHarness: false, "");

        Assert.Equal(QemuExitKind.GuestExit, exit.Kind);
        Assert.Equal(value, exit.GuestValue);
    }

    [Fact]
    public void StatusZeroHasNoGuestValue()
    {
        Assert.Equal(QemuExitKind.NoGuestValue, QemuExit.Interpret(0, false, "").Kind);
    }

    [Fact]
    public void StatusOneWithAQemuErrorIsAFailure()
    {
        var exit = QemuExit.Interpret(1, false, "qemu-system-x86_64: -kernel /nope: could not open\n");

        Assert.Equal(QemuExitKind.QemuFailed, exit.Kind);
        Assert.Contains("could not open", exit.Message);
    }

    [Fact]
    public void WarningsAndTheWaitingNoticeAreNotErrors()
    {
        const string output = "QEMU waiting for connection on: disconnected:unix:/tmp/x/serial.sock,server=on\n"
            + "qemu-system-x86_64: warning: host doesn't support requested feature\n";

        Assert.Null(QemuExit.ErrorLine(output));
        Assert.Equal(QemuExitKind.GuestExit, QemuExit.Interpret(1, false, output).Kind);
    }

    [Fact]
    public void KilledByTheHarness()
    {
        Assert.Equal(QemuExitKind.Killed, QemuExit.Interpret(137, killedByHarness: true, "").Kind);
    }

    [Fact]
    public void EvenSignalStatusIsAKill()
    {
        Assert.Equal(QemuExitKind.Killed, QemuExit.Interpret(134, false, "").Kind);
    }

    [Fact]
    public void EvenStatusWithAnErrorIsAFailure()
    {
        Assert.Equal(QemuExitKind.QemuFailed, QemuExit.Interpret(2, false, "qemu-system-x86_64: bad option\n").Kind);
    }
}
