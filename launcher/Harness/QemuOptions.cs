using System.Collections.Generic;

namespace CapOS.Harness;

/// <summary>
/// What to boot and how: the machine QEMU emulates for one run. Either <see cref="Kernel"/> (a Multiboot
/// ELF loaded by QEMU's <c>-kernel</c>) or <see cref="CdromImage"/> (a bootable ISO, e.g. GRUB) must be set.
/// The serial console and QMP sockets are not options: <see cref="QemuMachine"/> always owns them.
/// </summary>
public sealed record QemuOptions
{
    /// <summary>qboot: the fastest firmware for <c>-kernel</c> boots (TOOLCHAIN.md, "QEMU facts").</summary>
    public const string QbootFirmware = "/usr/share/qemu/qboot.rom";

    /// <summary>The QEMU executable (looked up on PATH unless a path is given).</summary>
    public string QemuBinary { get; init; } = "qemu-system-x86_64";

    /// <summary>A Multiboot kernel for <c>-kernel</c>.</summary>
    public string? Kernel { get; init; }

    /// <summary>Multiboot modules (<c>-initrd "a,b"</c>), in order. Only with <see cref="Kernel"/>.</summary>
    public IReadOnlyList<string> Modules { get; init; } = [];

    /// <summary>The kernel command line (<c>-append</c>). Only with <see cref="Kernel"/>.</summary>
    public string? KernelCommandLine { get; init; }

    /// <summary>A bootable CD image (<c>-cdrom</c>), booted by the default firmware (SeaBIOS).</summary>
    public string? CdromImage { get; init; }

    /// <summary>The firmware (<c>-bios</c>); null means qboot for kernels and QEMU's default for CDs.</summary>
    public string? Firmware { get; init; }

    /// <summary>
    /// A raw disk image attached as the kernel's virtio-blk disk (drive <see cref="QemuCommandLine.DiskDriveId"/>,
    /// write-back cache), or null for none. Callers that build their own block-device chain (blkdebug,
    /// blklogwrites) leave this null and pass the chain and its <c>virtio-blk-pci</c> device in
    /// <see cref="ExtraArguments"/>: the kernel finds the device on the PCI bus, whatever the drive is called.
    /// </summary>
    public string? DiskImage { get; init; }

    /// <summary>TCG or KVM.</summary>
    public Accelerator Accelerator { get; init; } = Accelerator.Tcg;

    /// <summary>The CPU model (<c>-cpu</c>); null means QEMU's default under TCG and
    /// <c>host,-arch-capabilities</c> under KVM.</summary>
    public string? Cpu { get; init; }

    /// <summary>Guest RAM in MiB.</summary>
    public int MemoryMiB { get; init; } = 256;

    /// <summary>Start with the CPU stopped and a gdb stub on TCP port 1234 (<c>-s -S</c>).</summary>
    public bool WaitForDebugger { get; init; }

    /// <summary>Instruction counting with a virtual clock: guest time counts instructions (1 ns each) and
    /// runs are bit-identical (<c>-icount shift=0,align=off,sleep=off -rtc base=...,clock=vm</c>).</summary>
    public bool Deterministic { get; init; }

    /// <summary>If set, QEMU logs interrupts and CPU resets to this file (<c>-d int,cpu_reset -D</c>).</summary>
    public string? DebugLogFile { get; init; }

    /// <summary>Open the QMP control socket (on by default; needed for diagnosis of hangs and for quit).</summary>
    public bool EnableQmp { get; init; } = true;

    /// <summary>Further QEMU arguments appended verbatim (block devices for the power-loss campaign, ...).</summary>
    public IReadOnlyList<string> ExtraArguments { get; init; } = [];
}
