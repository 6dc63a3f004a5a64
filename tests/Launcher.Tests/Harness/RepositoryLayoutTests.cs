using System.IO;
using CapOS.Harness;
using Xunit;

namespace CapOS.Launcher.Tests.Harness;

public class RepositoryLayoutTests
{
    [Fact]
    public void LocatesTheRootFromBelow()
    {
        RepositoryLayout layout = RepositoryLayout.Locate();

        Assert.True(File.Exists(layout.Solution));
        Assert.Equal(Path.Combine(layout.Root, "artifacts", "kernel", "kernel.elf"), layout.KernelElf);
        Assert.Equal(Path.Combine(layout.Root, "artifacts", "images", "capos.img"), layout.PristineSystemImage);
    }

    [Fact]
    public void NoRootAboveIsAnError()
    {
        Assert.Throws<DirectoryNotFoundException>(() => RepositoryLayout.Locate("/"));
    }

    [Fact]
    public void ListsMissingArtifactsRelativeToTheRoot()
    {
        DirectoryInfo directory = Directory.CreateTempSubdirectory("capos-layout-test-");
        try
        {
            File.WriteAllText(Path.Combine(directory.FullName, "CapOS.sln"), "");
            Directory.CreateDirectory(Path.Combine(directory.FullName, "artifacts", "user"));
            File.WriteAllText(Path.Combine(directory.FullName, "artifacts", "user", "hello.elf"), "");

            RepositoryLayout layout = RepositoryLayout.Locate(Path.Combine(directory.FullName, "artifacts"));

            Assert.Equal([Path.Combine("artifacts", "kernel", "kernel.elf"), Path.Combine("artifacts", "kernel", "kernel-test.elf")], layout.MissingKernelArtifacts());
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }

    [Fact]
    public void CapOSBootBootsTheKernelWithoutModulesOrTheIso()
    {
        RepositoryLayout layout = RepositoryLayout.Locate();

        QemuOptions kernel = CapOSBoot.Kernel(layout, "exit-when-idle", Accelerator.Tcg);
        QemuOptions iso = CapOSBoot.Iso(layout, Accelerator.Kvm);

        Assert.Equal(layout.KernelElf, kernel.Kernel);
        Assert.Equal(layout.TestKernelElf, CapOSBoot.TestKernel(layout, "mutator", Accelerator.Tcg).Kernel);
        Assert.Empty(kernel.Modules); // programs live in the disk image (docs/process.md)
        Assert.Equal("exit-when-idle", kernel.KernelCommandLine);
        Assert.Equal(layout.Iso, iso.CdromImage);
        Assert.Null(iso.Kernel);
        Assert.Equal(Accelerator.Kvm, iso.Accelerator);
    }
}
