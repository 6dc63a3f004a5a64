using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Threading.Tasks;
using CapOS.Harness;
using Xunit;

namespace CapOS.Launcher.Tests.Plug;

/// <summary>The chains as text, then against real QEMU: the NASM fixture guest idles while HMP <c>qemu-io</c>
/// writes through the guest's own virtio-blk backend, so the log and the error come from QEMU itself.</summary>
public class BlockChainTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    [Fact]
    public void PlainChainIsARawNodeUnderVirtioBlk()
    {
        Assert.Equal(
            ["-blockdev", "driver=file,filename=/tmp/a,,b.img,node-name=f0", "-blockdev", "driver=raw,file=f0,node-name=d0",
             "-device", "virtio-blk-pci,drive=d0,id=plugdisk"],
            BlockChain.Plain("/tmp/a,b.img").Arguments);
    }

    [Fact]
    public void LogWritesChainUpdatesTheSuperBlockAfterEveryEntry()
    {
        BlockChain chain = BlockChain.LogWrites("/i.img", "/l.img");

        Assert.Contains("driver=blklogwrites,file=f0,log=l0,log-sector-size=512,log-super-update-interval=1,node-name=lw0", chain.Arguments);
        Assert.Equal("virtio-blk-pci,drive=lw0,id=plugdisk", chain.Arguments[^1]);
    }

    [Fact]
    public void DebugChainStopsTheMachineOnAnError()
    {
        BlockChain chain = BlockChain.Debug("/i.img", "/r.conf");

        Assert.Contains("driver=blkdebug,config=/r.conf,image=f0,node-name=dbg0", chain.Arguments);
        Assert.Equal("virtio-blk-pci,drive=d0,id=plugdisk,werror=report,rerror=report", chain.Arguments[^1]);
    }

    [Fact]
    public async Task QemuRecordsWritesAndFlushesThatTheReaderAndBuilderReplay()
    {
        using var files = new TemporaryFiles();
        string image = files.Create("disk.img", 64 * 1024, 0xee);
        string log = files.Create("log.img", 0, 0);
        byte[] before = File.ReadAllBytes(image);
        await using (QemuMachine machine = await StartAsync(BlockChain.LogWrites(image, log)))
        {
            await QemuIoAsync(machine, "write -P 0xab 4096 8192");
            await QemuIoAsync(machine, "flush");
            await QemuIoAsync(machine, "write -P 0xcd 0 512");
            await machine.KillAsync();
        }

        LogWritesLog read = LogWritesReader.Read(File.ReadAllBytes(log));
        Assert.Equal(512, read.SectorSize);
        Assert.Equal([8UL, 0, 0], read.Entries.Select(e => e.Sector));
        Assert.Equal([16UL, 0, 1], read.Entries.Select(e => e.SectorCount));
        Assert.Equal(1, read.LastFlush);
        Assert.True(read.Entries[0].Data.Span.IndexOfAnyExcept((byte)0xab) < 0);
        // The crash as of the flush: the first write only; with the tail kept whole, both.
        byte[] asOfFlush = Replay(before, read, new CrashPlan(1, 3, 1, []));
        Assert.Equal(0xab, asOfFlush[4096]);
        Assert.Equal(0xee, asOfFlush[0]);
        byte[] withTail = Replay(before, read, new CrashPlan(1, 3, 1, [new CrashWrite(2)]));
        Assert.Equal(File.ReadAllBytes(image), withTail);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task BlkdebugFailsExactlyTheChosenWriteOnceOrForEver(bool once)
    {
        using var files = new TemporaryFiles();
        string image = files.Create("disk.img", 64 * 1024, 0);
        string rules = files.Path("rules.conf");
        File.WriteAllText(rules, BlkDebugConfig.FailWrite(3, once));
        await using QemuMachine machine = await StartAsync(BlockChain.Debug(image, rules));

        string first = await QemuIoAsync(machine, "write -P 1 0 512");
        string second = await QemuIoAsync(machine, "write -P 2 512 512");
        string third = await QemuIoAsync(machine, "write -P 3 1024 512");
        string fourth = await QemuIoAsync(machine, "write -P 4 1536 512");
        string read = await QemuIoAsync(machine, "read -P 1 0 512");

        Assert.DoesNotContain("failed", first + second);
        Assert.Contains("write failed: Input/output error", third);
        Assert.Equal(!once, fourth.Replace(third, "", StringComparison.Ordinal).Contains("write failed", StringComparison.Ordinal));
        Assert.DoesNotContain("read failed", read.Replace(fourth, "", StringComparison.Ordinal), StringComparison.Ordinal);
    }

    private static byte[] Replay(byte[] before, LogWritesLog log, CrashPlan plan)
    {
        var image = new MemoryStream();
        image.Write(before);
        CrashImageBuilder.Apply(image, log, plan);
        return image.ToArray();
    }

    private static async Task<QemuMachine> StartAsync(BlockChain chain)
    {
        string fixture = Path.Combine(AppContext.BaseDirectory, "Fixtures", "fixture.bin");
        Assert.True(File.Exists(fixture), $"{fixture} is missing: the test project's build assembles it with nasm");
        QemuMachine machine = await QemuMachine.StartAsync(new QemuOptions
        {
            Kernel = fixture,
            KernelCommandLine = "hang",
            ExtraArguments = chain.Arguments,
        });
        await machine.WaitForLineAsync("^fixture: hanging$", Timeout);
        return machine;
    }

    /// <summary>HMP qemu-io on the device's backend; returns what it printed (QEMU sends it to the monitor or
    /// to its stdout, depending on the version).</summary>
    private static async Task<string> QemuIoAsync(QemuMachine machine, string command)
    {
        string reply = await machine.Qmp!.HumanMonitorCommandAsync(
            $"qemu-io -d {BlockChain.DeviceBackend} \"{command}\"", Timeout);
        await Task.Delay(50);
        return reply + machine.QemuOutput;
    }

    private sealed class TemporaryFiles : IDisposable
    {
        private readonly DirectoryInfo _directory = Directory.CreateTempSubdirectory("capos-plug-test-");

        public string Path(string name) => System.IO.Path.Combine(_directory.FullName, name);

        public string Create(string name, int length, byte fill)
        {
            var bytes = new byte[length];
            Array.Fill(bytes, fill);
            File.WriteAllBytes(Path(name), bytes);
            return Path(name);
        }

        public void Dispose() => _directory.Delete(recursive: true);
    }
}
