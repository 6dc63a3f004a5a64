using CapOS.Harness;
using Xunit;

namespace CapOS.Launcher.Tests;

public class LauncherExitCodesTests
{
    [Theory]
    [InlineData(1, 0)]
    [InlineData(7, 3)]
    [InlineData(0, LauncherExitCodes.NoGuestValue)]
    [InlineData(134, LauncherExitCodes.QemuFailed)]
    public void MapsQemuStatusBackToTheGuestValue(int status, int expected)
    {
        Assert.Equal(expected, LauncherExitCodes.From(QemuExit.Interpret(status, false, "")));
    }

    [Fact]
    public void QemuFailureAndKill()
    {
        Assert.Equal(LauncherExitCodes.QemuFailed,
            LauncherExitCodes.From(QemuExit.Interpret(1, false, "qemu-system-x86_64: could not load kernel\n")));
        Assert.Equal(LauncherExitCodes.QemuFailed, LauncherExitCodes.From(QemuExit.Interpret(137, true, "")));
    }
}
