using System;
using System.IO;
using System.Text;
using CapOS.Harness;
using Xunit;

namespace CapOS.SystemTests;

/// <summary>
/// The production kernel has no test-only modes (STYLE.md "Tests"): the mutator, the checkpoint benchmark, the
/// disk self-test and the kernel page-fault self-test are compiled only into the test kernel (kernel/Testing,
/// docs/boot.md "Options"). Checked on the built ELFs: none of their code is in kernel.map and none of their option
/// words is a string in kernel.elf, while the test kernel has all of them (so the patterns name real symbols).
/// </summary>
public class ProductionKernelTests
{
    /// <summary>
    /// Fragments of the ILC symbols (assembly_namespace_type__method) of the test-only code: its types, whatever
    /// their namespace, and the seams' bodies.
    /// </summary>
    public static readonly TheoryData<string> TestOnlySymbols =
    [
        "_Mutator_Workload__",
        "_CheckpointBench__",
        "_DiskSelfTest__",
        "_Boot_Startup__RunSelfTests",
        "_Boot_CheckpointBoot__StartTestWorkload",
        "_Boot_CheckpointBoot__RunTestWorkload",
    ];

    /// <summary>The command-line words of the test modes (string literals are UTF-16 in the image).</summary>
    public static readonly TheoryData<string> TestOnlyOptions =
        ["mutator", "bench=checkpoint", "test=disk", "test=kernel-pagefault"];

    private static readonly RepositoryLayout Layout = RepositoryLayout.Locate();

    [Theory]
    [MemberData(nameof(TestOnlySymbols))]
    public void OnlyTheTestKernelHasTestCode(string symbol)
    {
        Boot.AssertKernelsBuilt();
        Assert.True(File.Exists(Layout.KernelMap) && File.Exists(Layout.TestKernelMap), "the link maps are missing: build the solution");
        Assert.DoesNotContain(File.ReadLines(Layout.KernelMap), line => line.Contains(symbol, StringComparison.Ordinal));
        Assert.Contains(File.ReadLines(Layout.TestKernelMap), line => line.Contains(symbol, StringComparison.Ordinal));
    }

    [Theory]
    [MemberData(nameof(TestOnlyOptions))]
    public void OnlyTheTestKernelParsesTestOptions(string option)
    {
        Boot.AssertKernelsBuilt();
        byte[] literal = Encoding.Unicode.GetBytes(option);
        Assert.False(Contains(File.ReadAllBytes(Layout.KernelElf), literal), $"kernel.elf holds the option \"{option}\"");
        Assert.True(Contains(File.ReadAllBytes(Layout.TestKernelElf), literal), $"kernel-test.elf lacks the option \"{option}\"");
    }

    private static bool Contains(byte[] image, byte[] literal) => image.AsSpan().IndexOf(literal) >= 0;
}
