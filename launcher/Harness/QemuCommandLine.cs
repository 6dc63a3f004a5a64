using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text;

namespace CapOS.Harness;

/// <summary>
/// Turns <see cref="QemuOptions"/> into QEMU's argument list. Pure: no file system access, so the
/// arguments are unit-tested. The reasons for each flag are in docs/launcher.md ("QEMU flags").
/// </summary>
public static class QemuCommandLine
{
    /// <summary>The isa-debug-exit device: a guest write of v to port 0xf4 ends QEMU with status (v&lt;&lt;1)|1.</summary>
    public const string DebugExitDevice = "isa-debug-exit,iobase=0xf4,iosize=0x04";

    /// <summary>The drive id of <see cref="QemuOptions.DiskImage"/>.</summary>
    public const string DiskDriveId = "d0";

    /// <summary>Builds the arguments (without the executable name).</summary>
    /// <param name="options">The machine.</param>
    /// <param name="serialSocket">Unix socket path for the serial console; QEMU waits for a client on it.</param>
    /// <param name="qmpSocket">Unix socket path for QMP, or null for none. With QMP the CPU starts stopped
    /// (<c>-S</c>) and the harness resumes it with QMP <c>cont</c> once connected.</param>
    public static IReadOnlyList<string> Build(QemuOptions options, string serialSocket, string? qmpSocket)
    {
        Validate(options);
        var args = new List<string>
        {
            "-nodefaults", "-no-reboot", "-display", "none",
            "-m", options.MemoryMiB.ToString(CultureInfo.InvariantCulture) + "M",
        };
        AddAccelerator(args, options);
        args.AddRange(["-chardev", $"socket,id=ser0,path={EscapeOptionValue(serialSocket)},server=on,wait=on"]);
        args.AddRange(["-serial", "chardev:ser0"]);
        if (qmpSocket is not null)
        {
            args.AddRange(["-qmp", $"unix:{EscapeOptionValue(qmpSocket)},server=on,wait=off"]);
        }
        args.AddRange(["-device", DebugExitDevice]);
        AddBootMedium(args, options);
        AddDisk(args, options);
        if (options.WaitForDebugger)
        {
            args.Add("-s");
        }
        if (options.WaitForDebugger || qmpSocket is not null)
        {
            // Start with the CPU stopped: gdb, or the harness once QMP is ready (QMP "cont"), resumes it.
            // Otherwise a guest that exits within milliseconds could end QEMU before the QMP handshake.
            args.Add("-S");
        }
        if (options.Deterministic)
        {
            args.AddRange(["-icount", "shift=0,align=off,sleep=off", "-rtc", "base=2024-01-01T00:00:00,clock=vm"]);
        }
        if (options.DebugLogFile is not null)
        {
            args.AddRange(["-d", "int,cpu_reset", "-D", options.DebugLogFile]);
        }
        args.AddRange(options.ExtraArguments);
        return args;
    }

    /// <summary>Renders an argument list as a shell command line, for messages and for copy-paste.</summary>
    public static string Render(string executable, IEnumerable<string> arguments)
    {
        var text = new StringBuilder(Quote(executable));
        foreach (string argument in arguments)
        {
            text.Append(' ').Append(Quote(argument));
        }
        return text.ToString();
    }

    private static void Validate(QemuOptions options)
    {
        if ((options.Kernel is null) == (options.CdromImage is null))
        {
            throw new ArgumentException("exactly one of Kernel and CdromImage must be set", nameof(options));
        }
        if (options.CdromImage is not null && (options.Modules.Count > 0 || options.KernelCommandLine is not null))
        {
            throw new ArgumentException(
                "modules and a kernel command line need a -kernel boot; a CD image carries its own", nameof(options));
        }
        foreach (string module in options.Modules)
        {
            if (module.Contains(',', StringComparison.Ordinal))
            {
                throw new ArgumentException($"QEMU's -initrd separates modules with ',': cannot pass '{module}'",
                    nameof(options));
            }
        }
        if (options.DiskImage is not null && options.DiskImage.Length == 0)
        {
            throw new ArgumentException("DiskImage must be a path or null", nameof(options));
        }
        if (options.MemoryMiB <= 0)
        {
            throw new ArgumentException("MemoryMiB must be positive", nameof(options));
        }
    }

    private static void AddAccelerator(List<string> args, QemuOptions options)
    {
        if (options.Accelerator == Accelerator.Kvm)
        {
            // arch-capabilities is refused by some nested KVMs; the guest does not need it.
            args.AddRange(["-enable-kvm", "-cpu", options.Cpu ?? "host,-arch-capabilities"]);
            return;
        }
        args.AddRange(["-accel", "tcg"]);
        if (options.Cpu is not null)
        {
            args.AddRange(["-cpu", options.Cpu]);
        }
    }

    private static void AddBootMedium(List<string> args, QemuOptions options)
    {
        if (options.Kernel is not null)
        {
            args.AddRange(["-bios", options.Firmware ?? QemuOptions.QbootFirmware, "-kernel", options.Kernel]);
            if (options.KernelCommandLine is not null)
            {
                args.AddRange(["-append", options.KernelCommandLine]);
            }
            if (options.Modules.Count > 0)
            {
                args.AddRange(["-initrd", string.Join(',', options.Modules)]);
            }
            return;
        }
        if (options.Firmware is not null)
        {
            args.AddRange(["-bios", options.Firmware]);
        }
        args.AddRange(["-cdrom", options.CdromImage!]);
    }

    /// <summary>The disk as a virtio-blk PCI device (docs/io.md "The virtio-blk driver"; docs/launcher.md).</summary>
    private static void AddDisk(List<string> args, QemuOptions options)
    {
        if (options.DiskImage is null)
        {
            return;
        }
        args.AddRange(["-drive", $"file={EscapeOptionValue(options.DiskImage)},if=none,id={DiskDriveId},format=raw,cache=writeback"]);
        args.AddRange(["-device", $"virtio-blk-pci,drive={DiskDriveId}"]);
    }

    /// <summary>QEMU's option parser takes ",," for a literal comma inside a value.</summary>
    private static string EscapeOptionValue(string value) => value.Replace(",", ",,", StringComparison.Ordinal);

    private static string Quote(string argument)
    {
        if (argument.Length > 0 && argument.All(c => char.IsAsciiLetterOrDigit(c) || "-_./:=,+@%".Contains(c)))
        {
            return argument;
        }
        return "'" + argument.Replace("'", "'\\''", StringComparison.Ordinal) + "'";
    }
}
