using CapOS.Kernel.Boot;
using CapOS.Kernel.Host;
using Xunit;

namespace CapOS.Kernel.Tests.Boot;

public sealed unsafe class BootInfoTests
{
    [Fact]
    public void HasOptionMatchesWholeWordsOnly()
    {
        using var machine = new SimulatedMachine();
        BootInfo boot = default;
        SetCommandLine(&boot, "  exit-when-idle test=kernel-pagefault ");
        Assert.True(boot.HasOption("exit-when-idle"));
        Assert.True(boot.HasOption("test=kernel-pagefault"));
        Assert.False(boot.HasOption("exit"));
        Assert.False(boot.HasOption("test=kernel"));
        Assert.False(boot.HasOption("when-idle"));
    }

    [Fact]
    public void EmptyCommandLineHasNoOptions()
    {
        using var machine = new SimulatedMachine();
        BootInfo boot = default;
        Assert.False(boot.HasOption("exit-when-idle"));
        Assert.Equal(0, boot.CommandLineLength);
    }

    [Fact]
    public void CommandLineIsTruncatedToCapacity()
    {
        using var machine = new SimulatedMachine();
        BootInfo boot = default;
        SetCommandLine(&boot, new string('x', BootInfo.CommandLineCapacity + 10));
        Assert.Equal(BootInfo.CommandLineCapacity, boot.CommandLineLength);
    }

    [Fact]
    public void UsableBytesCountsOnlyUsableRegions()
    {
        using var machine = new SimulatedMachine();
        BootInfo boot = default;
        boot.AddRegion(0, 0x9F000, MemoryKind.Usable);
        boot.AddRegion(0x9F000, 0x61000, MemoryKind.Reserved);
        boot.AddRegion(0x100000, 0xF00000, MemoryKind.Usable);
        Assert.Equal(0x9F000UL + 0xF00000UL, boot.UsableBytes());
        Assert.Equal(0x100000UL, boot.Region(1).End);
    }

    [Fact]
    public void ExtraRegionsAreDroppedAndReported()
    {
        using var machine = new SimulatedMachine();
        BootInfo boot = default;
        for (int i = 0; i <= BootInfo.MaxRegions; i++)
        {
            boot.AddRegion((ulong)i * 0x1000, 0x1000, MemoryKind.Usable);
        }

        Assert.Equal(BootInfo.MaxRegions, boot.RegionCount);
        Assert.Contains("memory map truncated", machine.ConsoleText);
    }

    [Fact]
    public void ModulesKeepTheirNames()
    {
        using var machine = new SimulatedMachine();
        BootInfo boot = default;
        byte[] name = "hello.elf"u8.ToArray();
        fixed (byte* bytes = name)
        {
            boot.AddModule(0x200000, 0x201000, bytes, name.Length);
        }

        Assert.Equal(1, boot.ModuleCount);
        Assert.Equal(0x200000UL, boot.ModuleStart(0));
        Assert.Equal(0x201000UL, boot.ModuleEnd(0));
        Assert.Equal(name.Length, boot.ModuleNameLength(0));
        Assert.Equal((byte)'h', boot.ModuleNameByte(0, 0));
        boot.Validate();
    }

    [Fact]
    public void ValidateStopsOnAModuleThatEndsBeforeItStarts()
    {
        using var machine = new SimulatedMachine();
        BootInfo boot = default;
        byte b = (byte)'m';
        boot.AddModule(0x300000, 0x200000, &b, 1);
        var halted = Assert.Throws<MachineHaltedException>(() => boot.Validate());
        Assert.Contains("(I2)", machine.ConsoleText);
    }

    [Theory]
    [InlineData("cache-pages=256", "cache-pages", OptionStatus.Present, 256UL)]
    [InlineData("walk=0x1000", "walk", OptionStatus.Present, 0x1000UL)]
    [InlineData("walk=0XaBc", "walk", OptionStatus.Present, 0xABCUL)]
    [InlineData("walk=4096 walk=7", "walk", OptionStatus.Present, 4096UL)]
    [InlineData("exit-when-idle  cache-nodes=0 x", "cache-nodes", OptionStatus.Present, 0UL)]
    [InlineData("walk=18446744073709551615", "walk", OptionStatus.Present, ulong.MaxValue)]
    [InlineData("walk=0xffffffffffffffff", "walk", OptionStatus.Present, ulong.MaxValue)]
    [InlineData("walk=18446744073709551616", "walk", OptionStatus.Malformed, 0UL)]
    [InlineData("walk=0x10000000000000000", "walk", OptionStatus.Malformed, 0UL)]
    [InlineData("walk=", "walk", OptionStatus.Malformed, 0UL)]
    [InlineData("walk=0x", "walk", OptionStatus.Malformed, 0UL)]
    [InlineData("walk=12a", "walk", OptionStatus.Malformed, 0UL)]
    [InlineData("walk=-1", "walk", OptionStatus.Malformed, 0UL)]
    [InlineData("walk", "walk", OptionStatus.Absent, 0UL)]
    [InlineData("walker=5 xwalk=5 walk:5", "walk", OptionStatus.Absent, 0UL)]
    [InlineData("", "walk", OptionStatus.Absent, 0UL)]
    public void TryGetNumberParsesDecimalAndHexWordsOnly(string commandLine, string name, OptionStatus status, ulong value)
    {
        using var machine = new SimulatedMachine();
        BootInfo boot = default;
        SetCommandLine(&boot, commandLine);
        Assert.Equal(status, boot.TryGetNumber(name, out ulong parsed));
        Assert.Equal(value, parsed);
    }

    internal static void SetCommandLine(BootInfo* boot, string text)
    {
        byte[] bytes = System.Text.Encoding.ASCII.GetBytes(text);
        fixed (byte* pointer = bytes)
        {
            boot->SetCommandLine(pointer, bytes.Length);
        }
    }
}
