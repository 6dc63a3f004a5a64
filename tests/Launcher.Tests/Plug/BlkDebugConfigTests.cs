using System;
using CapOS.Harness;
using Xunit;

namespace CapOS.Launcher.Tests.Plug;

public class BlkDebugConfigTests
{
    [Fact]
    public void CountsWritesThroughStatesAndFailsTheNth()
    {
        Assert.Equal(
            """
            [set-state]
            event = "write_aio"
            state = "1"
            new_state = "2"

            [set-state]
            event = "write_aio"
            state = "2"
            new_state = "3"

            [inject-error]
            event = "write_aio"
            state = "3"
            errno = "5"
            iotype = "write"
            once = "on"

            """.Replace("\r", "", StringComparison.Ordinal),
            BlkDebugConfig.FailWrite(3, once: true));
    }

    [Fact]
    public void APersistentErrorStaysActive()
    {
        string text = BlkDebugConfig.FailWrite(1, once: false, errno: 28);

        Assert.DoesNotContain("[set-state]", text);
        Assert.Contains("state = \"1\"\nerrno = \"28\"\niotype = \"write\"\nonce = \"off\"", text);
    }

    [Fact]
    public void WriteNumbersStartAtOne() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => BlkDebugConfig.FailWrite(0, once: true));
}
