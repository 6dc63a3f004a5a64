using CapOS.Harness;
using Xunit;

namespace CapOS.Launcher.Tests;

public class AcceleratorChoiceTests
{
    private const string Host = "box 6.1.0";

    [Fact]
    public void ExplicitRequestsWin()
    {
        var failed = new KvmVerdict(false, Host, "emulation failure");

        Assert.Equal(Accelerator.Tcg, AcceleratorChoice.Decide(AcceleratorRequest.Tcg, true, null, Host).Chosen);
        Assert.Equal(Accelerator.Kvm, AcceleratorChoice.Decide(AcceleratorRequest.Kvm, false, failed, Host).Chosen);
    }

    [Fact]
    public void AutoWithoutDevKvmIsTcgWithoutAProbe()
    {
        var decision = AcceleratorChoice.Decide(AcceleratorRequest.Auto, kvmDevicePresent: false, null, Host);

        Assert.Equal(Accelerator.Tcg, decision.Chosen);
        Assert.Contains("no /dev/kvm", decision.Reason);
    }

    [Fact]
    public void AutoWithDevKvmAndNoVerdictProbes()
    {
        Assert.True(AcceleratorChoice.Decide(AcceleratorRequest.Auto, true, null, Host).NeedsProbe);
    }

    [Theory]
    [InlineData(true, Accelerator.Kvm)]
    [InlineData(false, Accelerator.Tcg)]
    public void AutoFollowsTheCachedVerdictOfThisHost(bool works, Accelerator expected)
    {
        var decision = AcceleratorChoice.Decide(AcceleratorRequest.Auto, true, new KvmVerdict(works, Host, "x"), Host);

        Assert.Equal(expected, decision.Chosen);
        Assert.Contains("cached probe", decision.Reason);
    }

    [Fact]
    public void AVerdictFromAnotherHostIsIgnored()
    {
        var verdict = new KvmVerdict(true, "other 5.10", "x");

        Assert.True(AcceleratorChoice.Decide(AcceleratorRequest.Auto, true, verdict, Host).NeedsProbe);
    }
}
