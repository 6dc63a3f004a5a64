using System.Threading.Tasks;
using CapOS.Harness;
using Xunit;

namespace CapOS.SystemTests;

/// <summary>User programs run in ring 3, invoke the kernel, and a faulting one does not take the kernel down.</summary>
public class UserModeTests
{
    [Fact]
    public async Task RingThreeInvocationsAreRefusedWhenBad()
    {
        using ScratchDisk disk = ScratchDisk.Of("hello.img");
        await using QemuMachine machine = await Boot.KernelAsync(SerialContract.ExitWhenIdle, disk.Path);

        var hello = await machine.WaitForLineAsync(SerialContract.UserHello, Boot.Timeout);
        string pid = hello.Groups["pid"].Value;
        await machine.WaitForLineAsync($@"^user\[{pid}\]: invocation checks ok$", Boot.Timeout);
        await machine.WaitForLineAsync($"^proc: {pid} exited$", Boot.Timeout);
        await Boot.AssertExitValueAsync(machine, 0);
    }

    [Fact]
    public async Task FaultingProgramIsReportedAndTheKernelKeepsRunning()
    {
        using ScratchDisk disk = ScratchDisk.Of("hello.img");
        await using QemuMachine machine = await Boot.KernelAsync(SerialContract.ExitWhenIdle, disk.Path);

        var fault = await machine.WaitForLineAsync(SerialContract.UserFault, Boot.Timeout);
        await machine.WaitForLineAsync(SerialContract.Idle, Boot.Timeout);

        string log = Boot.Failure(machine);
        Assert.True(machine.Serial.Lines.Count > 0 && !machine.Serial.Log.Contains("EXCEPTION ", System.StringComparison.Ordinal),
            "a user fault must not be reported as a kernel exception\n" + log);
        Assert.True(fault.Groups["cause"].Value == "invalid address" && fault.Groups["info"].Value == "0xdead0000", log);
        await Boot.AssertExitValueAsync(machine, 0);
    }
}
