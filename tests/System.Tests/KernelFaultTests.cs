using System.Globalization;
using System.Threading.Tasks;
using CapOS.Harness;
using Xunit;

namespace CapOS.SystemTests;

/// <summary>A kernel-mode page fault (test boot option) is reported with CR2 and stops the machine.</summary>
public class KernelFaultTests
{
    [Fact]
    public async Task KernelPageFaultReportsCr2AndExitsWithPanicValue()
    {
        using ScratchDisk disk = ScratchDisk.Of("hello.img");
        await using QemuMachine machine = await Boot.TestKernelAsync(SerialContract.KernelPageFaultTest, disk.Path);

        await machine.WaitForLineAsync(SerialContract.Banner, Boot.Timeout);
        var exception = await machine.WaitForLineAsync(SerialContract.KernelException, Boot.Timeout);

        string log = Boot.Failure(machine);
        Assert.True(exception.Groups["vector"].Value == "14" && exception.Groups["name"].Value == "#PF", log);
        Assert.True(ulong.Parse(exception.Groups["cr2"].Value, NumberStyles.HexNumber, CultureInfo.InvariantCulture) != 0,
            "CR2 must hold the faulting address\n" + log);
        await Boot.AssertExitValueAsync(machine, SerialContract.PanicExitValue);
    }
}
