using CapOS.Kernel.Diagnostics;
using CapOS.Kernel.Host;
using Xunit;

namespace CapOS.Kernel.Tests.Diagnostics;

public sealed class LogTests
{
    [Fact]
    public void WritesDecimalHexAndText()
    {
        using var machine = new SimulatedMachine();
        Log.Write("n=");
        Log.WriteDecimal(0UL);
        Log.Write(" ");
        Log.WriteDecimal(18446744073709551615UL);
        Log.Write(" ");
        Log.WriteDecimal(long.MinValue);
        Log.Write(" ");
        Log.WriteHex(0xdeadbeef, 8);
        Log.WriteLine();
        Assert.Equal("n=0 18446744073709551615 -9223372036854775808 0xdeadbeef\n", machine.ConsoleText);
    }

    [Fact]
    public void PanicPrintsAndHalts()
    {
        using var machine = new SimulatedMachine();
        var halted = Assert.Throws<MachineHaltedException>(() => Panic.Assert(false, "invariant I1 broken"));
        Assert.Equal(Panic.ExitCode, halted.ExitCode);
        Assert.Equal("PANIC: invariant I1 broken\n", machine.ConsoleText);
    }
}
