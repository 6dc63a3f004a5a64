using System;
using System.Linq;
using CapOS.Harness;
using CapOS.TestSupport;
using Xunit;

namespace CapOS.Launcher.Tests.Harness;

public class QemuCommandLineTests
{
    private const string Serial = "/tmp/capos-qemu-x/serial.sock";
    private const string Qmp = "/tmp/capos-qemu-x/qmp.sock";

    [Fact]
    public void KernelBootUsesQbootModulesAndCommandLine()
    {
        var options = new QemuOptions
        {
            Kernel = "/r/artifacts/kernel/kernel.elf",
            Modules = ["/r/artifacts/user/hello.elf", "/r/artifacts/user/fault.elf"],
            KernelCommandLine = "exit-when-idle",
        };

        Snapshot.Verify(string.Join('\n', QemuCommandLine.Build(options, Serial, Qmp)) + "\n");
    }

    [Fact]
    public void IsoBootUsesDefaultFirmwareAndCdrom()
    {
        var options = new QemuOptions { CdromImage = "/r/artifacts/capos.iso" };

        Snapshot.Verify(string.Join('\n', QemuCommandLine.Build(options, Serial, Qmp)) + "\n");
    }

    [Fact]
    public void KvmGdbDeterministicAndDebugLog()
    {
        var options = new QemuOptions
        {
            Kernel = "k.elf",
            Accelerator = Accelerator.Kvm,
            WaitForDebugger = true,
            Deterministic = true,
            DebugLogFile = "/tmp/int.log",
            MemoryMiB = 64,
            EnableQmp = false,
            ExtraArguments = ["-device", "virtio-blk-pci,drive=d0"],
        };

        Snapshot.Verify(string.Join('\n', QemuCommandLine.Build(options, Serial, null)) + "\n");
    }

    [Fact]
    public void DiskImageIsAVirtioBlkDriveWithWriteBackCache()
    {
        var options = new QemuOptions
        {
            Kernel = "/r/artifacts/kernel/kernel.elf",
            KernelCommandLine = "test=disk",
            DiskImage = "/r/artifacts/capos.img",
        };

        Snapshot.Verify(string.Join('\n', QemuCommandLine.Build(options, Serial, Qmp)) + "\n");
    }

    [Fact]
    public void DiskImagePathCommasAreEscapedForQemu()
    {
        var args = QemuCommandLine.Build(new QemuOptions { CdromImage = "c.iso", DiskImage = "/tmp/a,b.img" }, Serial, null);

        Assert.Equal("file=/tmp/a,,b.img,if=none,id=d0,format=raw,cache=writeback", args[IndexAfter(args, "-drive")]);
        int device = args.ToList().IndexOf("virtio-blk-pci,drive=d0");
        Assert.Equal("-device", args[device - 1]);
    }

    [Fact]
    public void NoDiskImageLeavesTheBlockDevicesToExtraArguments()
    {
        string[] chain = ["-blockdev", "driver=file,filename=x.img,node-name=f0", "-blockdev", "driver=raw,file=f0,node-name=top",
            "-device", "virtio-blk-pci,drive=top"];
        var args = QemuCommandLine.Build(new QemuOptions { Kernel = "k", ExtraArguments = chain }, Serial, null);

        Assert.DoesNotContain("-drive", args);
        Assert.Equal(chain, args.Skip(args.Count - chain.Length));
    }

    [Fact]
    public void EmptyDiskImagePathIsRejected()
    {
        Assert.Throws<ArgumentException>(() => QemuCommandLine.Build(new QemuOptions { Kernel = "k", DiskImage = "" }, Serial, null));
    }

    [Fact]
    public void TcgWithExplicitCpu()
    {
        var args = QemuCommandLine.Build(new QemuOptions { Kernel = "k", Cpu = "max" }, Serial, Qmp);

        Assert.Equal("tcg", args[IndexAfter(args, "-accel")]);
        Assert.Equal("max", args[IndexAfter(args, "-cpu")]);
    }

    [Fact]
    public void SocketPathsWithCommasAreEscaped()
    {
        var args = QemuCommandLine.Build(new QemuOptions { Kernel = "k" }, "/tmp/a,b/serial.sock", null);

        Assert.Equal("socket,id=ser0,path=/tmp/a,,b/serial.sock,server=on,wait=on", args[IndexAfter(args, "-chardev")]);
        Assert.DoesNotContain("-qmp", args);
    }

    [Theory]
    [InlineData(true, true)]
    [InlineData(false, false)]
    public void ExactlyOneBootMedium(bool kernel, bool cdrom)
    {
        var options = new QemuOptions { Kernel = kernel ? "k" : null, CdromImage = cdrom ? "c.iso" : null };

        Assert.Throws<ArgumentException>(() => QemuCommandLine.Build(options, Serial, Qmp));
    }

    [Fact]
    public void CdromRefusesModulesAndCommandLine()
    {
        Assert.Throws<ArgumentException>(() =>
            QemuCommandLine.Build(new QemuOptions { CdromImage = "c.iso", KernelCommandLine = "x" }, Serial, Qmp));
        Assert.Throws<ArgumentException>(() =>
            QemuCommandLine.Build(new QemuOptions { CdromImage = "c.iso", Modules = ["m"] }, Serial, Qmp));
    }

    [Fact]
    public void ModulePathWithCommaIsRefused()
    {
        var options = new QemuOptions { Kernel = "k", Modules = ["a,b.elf"] };

        Assert.Throws<ArgumentException>(() => QemuCommandLine.Build(options, Serial, Qmp));
    }

    [Fact]
    public void RenderQuotesOnlyWhatNeedsIt()
    {
        string rendered = QemuCommandLine.Render("qemu-system-x86_64", ["-append", "exit-when-idle test=x", "-m", "256M", "it's"]);

        Assert.Equal("qemu-system-x86_64 -append 'exit-when-idle test=x' -m 256M 'it'\\''s'", rendered);
    }

    private static int IndexAfter(System.Collections.Generic.IReadOnlyList<string> args, string flag)
    {
        for (int i = 0; i < args.Count - 1; i++)
        {
            if (args[i] == flag)
            {
                return i + 1;
            }
        }
        throw new InvalidOperationException($"{flag} not in arguments");
    }
}
