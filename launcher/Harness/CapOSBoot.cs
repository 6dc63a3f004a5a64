namespace CapOS.Harness;

/// <summary>
/// How CapOS is booted, shared by <c>./capos run</c>, the KVM probe and the boot tests so that all three
/// boot the same machine: the kernel by Multiboot1 from QEMU's <c>-kernel</c> (qboot firmware), or the GRUB
/// CD by Multiboot2. No modules: the programs live in the disk image, as processes (docs/process.md).
/// </summary>
public static class CapOSBoot
{
    /// <summary>The kernel through <c>-kernel</c>, with an optional virtio-blk disk.</summary>
    public static QemuOptions Kernel(RepositoryLayout layout, string? commandLine, Accelerator accelerator,
        string? diskImage = null) =>
        new()
        {
            Kernel = layout.KernelElf,
            KernelCommandLine = commandLine,
            Accelerator = accelerator,
            DiskImage = diskImage,
        };

    /// <summary>
    /// The test kernel (<see cref="RepositoryLayout.TestKernelElf"/>) the same way: only for a command line with a
    /// test mode (<c>mutator</c>, <c>bench=checkpoint</c>, <c>test=disk</c>, <c>test=kernel-pagefault</c>), which the
    /// production kernel does not have.
    /// </summary>
    public static QemuOptions TestKernel(RepositoryLayout layout, string? commandLine, Accelerator accelerator,
        string? diskImage = null) =>
        Kernel(layout, commandLine, accelerator, diskImage) with { Kernel = layout.TestKernelElf };

    /// <summary>The GRUB boot CD (its command line and modules are in its grub.cfg), with an optional disk.</summary>
    public static QemuOptions Iso(RepositoryLayout layout, Accelerator accelerator, string? diskImage = null) =>
        new()
        {
            CdromImage = layout.Iso,
            Accelerator = accelerator,
            DiskImage = diskImage,
        };
}
