namespace CapOS.Launcher;

/// <summary>The options of <c>capos run</c>, as parsed.</summary>
/// <param name="Gdb">Start QEMU stopped with a gdb stub on :1234.</param>
/// <param name="Iso">Boot the GRUB CD (Multiboot2) instead of <c>-kernel</c>.</param>
/// <param name="Append">The kernel command line (not with <paramref name="Iso"/>).</param>
/// <param name="TimeoutSeconds">Kill QEMU after this long; null waits forever.</param>
/// <param name="Accelerator">TCG, KVM, or decided by the probe.</param>
/// <param name="NoBuild">Skip the build step.</param>
/// <param name="Deterministic">Instruction counting and a virtual clock (repeatable runs).</param>
/// <param name="DebugLog">QEMU's interrupt and reset log file, or null.</param>
/// <param name="Disk">The disk image to attach (<c>--disk</c>); null means the persistent disk, disk/capos.img.</param>
/// <param name="NoDisk">Boot without a disk.</param>
/// <param name="Fresh">Replace the persistent disk with a fresh copy of the pristine image first (the old one is kept).</param>
public sealed record RunRequest(
    bool Gdb,
    bool Iso,
    string? Append,
    double? TimeoutSeconds,
    AcceleratorRequest Accelerator,
    bool NoBuild,
    bool Deterministic,
    string? DebugLog,
    string? Disk = null,
    bool NoDisk = false,
    bool Fresh = false);
