using CapOS.Launcher.Bench;
using Xunit;

namespace CapOS.Launcher.Tests.Bench;

public class BenchEnvironmentTests
{
    [Fact]
    public void CpuModelIsTheFirstModelNameWithTheProcessorCount()
    {
        const string cpuinfo = "processor\t: 0\nvendor_id\t: GenuineIntel\nmodel name\t: Intel(R) Xeon(R) Processor\nflags\t\t: fpu\n\n"
            + "processor\t: 1\nmodel name\t: Intel(R) Xeon(R) Processor\n";

        Assert.Equal("Intel(R) Xeon(R) Processor (2 logical CPUs)", BenchEnvironment.CpuModel(cpuinfo));
    }

    [Fact]
    public void ACpuinfoWithoutAModelSaysUnknown()
    {
        Assert.Equal("unknown (1 logical CPUs)", BenchEnvironment.CpuModel("processor : 0\nisa : rv64imafdc\n"));
        Assert.Equal("unknown", BenchEnvironment.CpuModel(""));
    }

    [Fact]
    public void QemuVersionIsTheFirstNonEmptyLine()
    {
        Assert.Equal("QEMU emulator version 7.2.22 (Debian 1:7.2+dfsg-7+deb12u18+b3)",
            BenchEnvironment.FirstLine("\nQEMU emulator version 7.2.22 (Debian 1:7.2+dfsg-7+deb12u18+b3)\nCopyright (c) 2003-2022\n"));
        Assert.Equal("unknown", BenchEnvironment.FirstLine(" \n"));
    }

    [Fact]
    public void TheAcceleratorTextNamesInstructionCountingOnlyWhenDeterministic()
    {
        Assert.Equal("TCG", BenchEnvironment.AcceleratorText(false));
        Assert.Contains("1 ns each", BenchEnvironment.AcceleratorText(true), System.StringComparison.Ordinal);
    }
}
