using System.Threading.Tasks;
using CapOS.Harness;
using Xunit;

namespace CapOS.SystemTests;

/// <summary>The kernel boots by Multiboot1 and reports its loader, memory and timer.</summary>
public class BootTests
{
    [Fact]
    public async Task BannerBootLineMemoryAndTicksAdvancing()
    {
        using ScratchDisk disk = ScratchDisk.Of("hello.img");
        await using QemuMachine machine = await Boot.KernelAsync(SerialContract.ExitWhenIdle, disk.Path);

        await machine.WaitForLineAsync(SerialContract.Banner, Boot.Timeout);
        Assert.True(machine.Serial.Cursor == 1, "the banner must be the kernel's first line\n" + Boot.Failure(machine));
        var boot = await machine.WaitForLineAsync(SerialContract.Boot, Boot.Timeout);
        var memory = await machine.WaitForLineAsync(SerialContract.Memory, Boot.Timeout);
        var timer = await machine.WaitForLineAsync(SerialContract.Timer, Boot.Timeout);
        long tick1 = long.Parse((await machine.WaitForLineAsync(SerialContract.Tick, Boot.Timeout)).Groups["tick"].Value);
        long tick2 = long.Parse((await machine.WaitForLineAsync(SerialContract.Tick, Boot.Timeout)).Groups["tick"].Value);
        long tick3 = long.Parse((await machine.WaitForLineAsync(SerialContract.Tick, Boot.Timeout)).Groups["tick"].Value);

        string log = Boot.Failure(machine);
        Assert.True(boot.Groups["loader"].Value == "multiboot1", log);
        Assert.True(boot.Groups["cmdline"].Value.Contains(SerialContract.ExitWhenIdle, System.StringComparison.Ordinal), log);
        Assert.True(boot.Groups["modules"].Value == "0", log);
        Assert.True(long.Parse(memory.Groups["usable"].Value) > 0 && long.Parse(memory.Groups["free"].Value) > 0, log);
        Assert.True(long.Parse(timer.Groups["hz"].Value) > 0 && long.Parse(timer.Groups["mhz"].Value) > 0, log);
        Assert.True(tick1 < tick2 && tick2 < tick3, $"ticks must increase: {tick1}, {tick2}, {tick3}\n{log}");
        await Boot.AssertExitValueAsync(machine, 0);
    }
}
