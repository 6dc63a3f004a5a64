using System.Threading.Tasks;
using CapOS.Harness;
using Xunit;

namespace CapOS.SystemTests;

/// <summary>GRUB boots the same kernel from the CD by Multiboot2 (slower: ~0.5 s through the BIOS and GRUB) and it recovers its disk.</summary>
public class IsoBootTests
{
    [Fact]
    public async Task GrubBootsTheKernelByMultiboot2()
    {
        using ScratchDisk disk = ScratchDisk.Of("hello.img");
        await using QemuMachine machine = await Boot.IsoAsync(disk.Path);

        // GRUB's own serial output (terminal escapes) may share the banner's line: match it unanchored.
        await machine.WaitForLineAsync(SerialContract.Banner.TrimStart('^'), Boot.Timeout);
        var boot = await machine.WaitForLineAsync(SerialContract.Boot, Boot.Timeout);

        Assert.True(boot.Groups["loader"].Value == "multiboot2", Boot.Failure(machine));
        Assert.True(boot.Groups["modules"].Value == "0", Boot.Failure(machine));
        await machine.WaitForLineAsync(StoreContract.Recovered, Boot.Timeout);
        await machine.WaitForLineAsync(SerialContract.UserHello, Boot.Timeout);
    }
}
