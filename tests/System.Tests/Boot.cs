using System;
using System.IO;
using System.Threading.Tasks;
using CapOS.Harness;
using Xunit;

namespace CapOS.SystemTests;

/// <summary>
/// Starting a boot for a test: the artifacts must exist (a missing kernel is a failure with a clear
/// message, never a skip), and every boot is its own QEMU under TCG with a generous timeout.
/// </summary>
internal static class Boot
{
    /// <summary>Per wait: a TCG boot to idle takes well under a second; 30 s absorbs a loaded machine.</summary>
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    private static readonly RepositoryLayout Layout = RepositoryLayout.Locate();

    /// <summary>
    /// Boots the kernel by Multiboot1 (<c>-kernel</c>) with its modules, this command line and
    /// <paramref name="diskImage"/> as its virtio-blk disk (boot is recovery: without a disk the kernel
    /// refuses; give it a <see cref="ScratchDisk"/>, never an artifact in place).
    /// </summary>
    public static Task<QemuMachine> KernelAsync(string commandLine, string? diskImage)
    {
        AssertKernelsBuilt();
        return QemuMachine.StartAsync(CapOSBoot.Kernel(Layout, commandLine, Accelerator.Tcg, diskImage));
    }

    /// <summary>
    /// As <see cref="KernelAsync"/>, with the test kernel: for a command line with a test mode (<c>mutator</c>,
    /// <c>test=disk</c>, <c>test=kernel-pagefault</c>), which the production kernel does not have (docs/boot.md "Options").
    /// </summary>
    public static Task<QemuMachine> TestKernelAsync(string commandLine, string? diskImage)
    {
        AssertKernelsBuilt();
        return QemuMachine.StartAsync(CapOSBoot.TestKernel(Layout, commandLine, Accelerator.Tcg, diskImage));
    }

    /// <summary>Both kernels exist: a missing one is a failure with a clear message, never a skip.</summary>
    public static void AssertKernelsBuilt()
    {
        var missing = Layout.MissingKernelArtifacts();
        Assert.True(missing.Count == 0,
            $"boot test needs {string.Join(", ", missing)}, which the solution build writes "
            + "(dotnet build CapOS.sln, or ./capos build); it is missing, so the kernel build failed or did not run");
    }

    /// <summary>Boots the GRUB CD (Multiboot2) with <paramref name="diskImage"/> as its disk.</summary>
    public static Task<QemuMachine> IsoAsync(string diskImage)
    {
        Assert.True(File.Exists(Layout.Iso),
            $"boot test needs {Path.GetRelativePath(Layout.Root, Layout.Iso)}, which the kernel project's CapOSIso "
            + "target writes; it is missing");
        return QemuMachine.StartAsync(CapOSBoot.Iso(Layout, Accelerator.Tcg, diskImage));
    }

    /// <summary>Waits for QEMU to end and asserts the guest's exit value, with the serial log on failure.</summary>
    public static async Task AssertExitValueAsync(QemuMachine machine, int expected)
    {
        QemuExit exit = await machine.WaitForExitAsync(Timeout);
        Assert.True(exit.Kind == QemuExitKind.GuestExit && exit.GuestValue == expected,
            $"expected guest exit value {expected}, got: {exit.Message}\n{Failure(machine)}");
    }

    /// <summary>The serial log and QEMU's side of the story, for assertion messages.</summary>
    public static string Failure(QemuMachine machine) =>
        $"--- serial console ---\n{machine.Serial.Log}--- end of serial console ---\n{machine.Describe()}";
}
