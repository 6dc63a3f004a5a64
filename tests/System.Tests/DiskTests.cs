using System;
using System.Globalization;
using System.IO;
using System.Threading.Tasks;
using CapOS.Harness;
using Xunit;

namespace CapOS.SystemTests;

/// <summary>
/// The virtio-blk driver on QEMU: the disk self-test (<c>test=disk</c>, kernel/Testing/DiskSelfTest.cs) against a
/// temporary raw image holding the shipped volume and a seeded pattern after it; docs/io.md "The virtio-blk driver".
/// </summary>
public sealed class DiskTests : IDisposable
{
    private const int ImageBytes = 8 * 1024 * 1024;
    private const int Sector = 512;
    private const uint ScratchPages = 512;
    private const string SelfTest = "test=disk " + SerialContract.ExitWhenIdle;
    private const string DiskLine = @"^disk: sectors=(?<sectors>\d+) queue=(?<queue>\d+) seg-max=\d+ flush=(?<flush>yes|no) (rw|ro) irq=(?<irq>msix|timer)$";
    private const string CrcLine = @"^disk: read page 0 crc=0x(?<crc>[0-9a-f]{8})$";
    private const string ThroughputLine = @"^disk: write-throughput=(?<mbps>\d+\.\d\d) MB/s pages=512 inflight=32 flush=\d+\.\d us$";
    private const string LatencyLine = @"^disk: read-latency avg=\d+\.\d us min=\d+\.\d us samples=16 ";
    private const string PassLine = @"^disk: selftest ok inflight=(?<inflight>\d+)$";

    private static readonly RepositoryLayout Layout = RepositoryLayout.Locate();
    private readonly DirectoryInfo _directory = Directory.CreateTempSubdirectory("capos-disk-test-");

    [Fact]
    public async Task SelfTestPassesReadsWhatTheHostWroteAndLeavesItsPatternInTheFile()
    {
        string image = CreateImage(seed: 3);
        byte[] before = File.ReadAllBytes(image);
        await using (QemuMachine machine = await StartAsync(new QemuOptions { DiskImage = image }))
        {
            var disk = await machine.WaitForLineAsync(DiskLine, Boot.Timeout);
            await machine.WaitForLineAsync(StoreContract.Recovered, Boot.Timeout);
            string log = Boot.Failure(machine);
            Assert.True(disk.Groups["sectors"].Value == (ImageBytes / Sector).ToString(CultureInfo.InvariantCulture), log);
            Assert.True(int.Parse(disk.Groups["queue"].Value, CultureInfo.InvariantCulture) >= 128, log);
            Assert.True(disk.Groups["flush"].Value == "yes" && disk.Groups["irq"].Value == "msix", log);

            var crc = await machine.WaitForLineAsync(CrcLine, Boot.Timeout);
            Assert.True(crc.Groups["crc"].Value == Crc32C(before.AsSpan(0, 4096)).ToString("x8", CultureInfo.InvariantCulture),
                "page 0 CRC differs from the host's\n" + Boot.Failure(machine));
            await machine.WaitForLineAsync(ThroughputLine, Boot.Timeout);
            await machine.WaitForLineAsync(LatencyLine, Boot.Timeout);
            var pass = await machine.WaitForLineAsync(PassLine, Boot.Timeout);
            Assert.True(int.Parse(pass.Groups["inflight"].Value, CultureInfo.InvariantCulture) >= 16, Boot.Failure(machine));
            await machine.WaitForLineAsync(SerialContract.Idle, Boot.Timeout);
            await Boot.AssertExitValueAsync(machine, 0);
        }

        byte[] after = File.ReadAllBytes(image);
        int scratch = ImageBytes - ((int)ScratchPages * 4096);
        // The volume is the store's to write (the boot redoes checkpoint 1's migration); the padding between
        // the volume's end and the scratch area belongs to nobody and must be untouched.
        int volume = (int)new FileInfo(Layout.PristineImage("hello.img")).Length;
        Assert.True(before.AsSpan(volume, scratch - volume).SequenceEqual(after.AsSpan(volume, scratch - volume)),
            "the self-test (or the store) wrote between the volume's end and the scratch area");
        for (int offset = scratch; offset < ImageBytes; offset += 8)
        {
            ulong expected = 0xC0DE000000000000UL | ((ulong)(offset / Sector) << 8) | (uint)(offset % Sector / 8);
            Assert.True(BitConverter.ToUInt64(after, offset) == expected, $"guest pattern missing at byte {offset} of the image");
        }
    }

    /// <summary>
    /// A blkdebug chain passed as extra arguments, its top node not called d0 (as the plug campaign does):
    /// the device's VIRTIO_BLK_S_IOERR reaches the first caller, the store's read of the volume header, as
    /// IoError, and the store refuses the boot naming it (the self-test's own IoError path: DiskSelfTestTests).
    /// </summary>
    [Fact]
    public async Task DeviceReadErrorReachesTheStoreAsIoErrorAndTheBootIsRefused()
    {
        string image = CreateImage(seed: 5);
        string config = Path.Combine(_directory.FullName, "blkdebug.conf");
        File.WriteAllText(config, "[inject-error]\nevent = \"read_aio\"\nerrno = \"5\"\n");
        string[] chain =
        [
            "-blockdev", $"driver=file,filename={image},node-name=file0",
            "-blockdev", $"driver=blkdebug,config={config},image=file0,node-name=debug0",
            "-blockdev", "driver=raw,file=debug0,node-name=system-disk",
            "-device", "virtio-blk-pci,drive=system-disk",
        ];
        await using QemuMachine machine = await StartAsync(new QemuOptions { ExtraArguments = chain });

        await machine.WaitForLineAsync(DiskLine, Boot.Timeout);
        await StoreContract.AssertRefusedAsync(machine, "disk read error (I/O error) at page 0");
    }

    public void Dispose() => _directory.Delete(recursive: true);

    private static Task<QemuMachine> StartAsync(QemuOptions disk)
    {
        Assert.True(Layout.MissingKernelArtifacts().Count == 0, "boot test needs the kernel and user programs: build the solution");
        QemuOptions options = CapOSBoot.TestKernel(Layout, SelfTest, Accelerator.Tcg, disk.DiskImage) with
        {
            ExtraArguments = disk.ExtraArguments,
        };
        return QemuMachine.StartAsync(options);
    }

    /// <summary>
    /// The shipped volume (boot is recovery: the store must boot before the self-test runs) followed by seeded
    /// random bytes up to <see cref="ImageBytes"/>, so the self-test's scratch area lies beyond the volume.
    /// </summary>
    private string CreateImage(int seed)
    {
        string path = Path.Combine(_directory.FullName, "disk.img");
        var bytes = new byte[ImageBytes];
        new Random(seed).NextBytes(bytes);
        byte[] volume = File.ReadAllBytes(ScratchDisk.ArtifactImage("hello.img"));
        Assert.True(volume.Length <= ImageBytes - ((int)ScratchPages * 4096), "the shipped volume must end before the scratch area");
        volume.CopyTo(bytes, 0);
        File.WriteAllBytes(path, bytes);
        return path;
    }

    /// <summary>CRC-32C (Castagnoli, reflected, as kernel/DiskFormat/Crc32C.cs), bit by bit.</summary>
    private static uint Crc32C(ReadOnlySpan<byte> data)
    {
        uint crc = 0xFFFFFFFF;
        foreach (byte b in data)
        {
            crc ^= b;
            for (int bit = 0; bit < 8; bit++)
            {
                crc = (crc & 1) != 0 ? (crc >> 1) ^ 0x82F63B78 : crc >> 1;
            }
        }
        return ~crc;
    }
}
