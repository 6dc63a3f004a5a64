using System.Collections.Generic;

namespace CapOS.Harness;

/// <summary>The kind of block-device chain under the guest's disk (docs/plug.md, "Block chains").</summary>
public enum BlockChainKind
{
    /// <summary>file -> raw: SIGKILL is a process crash, every completed write survives.</summary>
    Plain,

    /// <summary>file -> blklogwrites (log in a second file) : every write and flush is recorded.</summary>
    LogWrites,

    /// <summary>file -> blkdebug (rule file) -> raw, device with werror=report: the guest sees an exact write fail.</summary>
    Debug,
}

/// <summary>
/// A <c>-blockdev</c> chain and the <c>virtio-blk-pci</c> device on top, as QEMU arguments for
/// <see cref="QemuOptions.ExtraArguments"/> (TOOLCHAIN.md, "Power loss"). The kernel finds the disk as a PCI
/// device, so node names are free; the device id <see cref="DeviceId"/> lets HMP <c>qemu-io -d</c> reach it.
/// </summary>
/// <param name="Kind">Which chain.</param>
/// <param name="Arguments">The QEMU arguments.</param>
/// <param name="DriveNode">The node the device is attached to.</param>
public sealed record BlockChain(BlockChainKind Kind, IReadOnlyList<string> Arguments, string DriveNode)
{
    /// <summary>The qdev id of the virtio-blk-pci device.</summary>
    public const string DeviceId = "plugdisk";

    /// <summary>The device's block backend, for HMP <c>qemu-io -d</c> (the PCI proxy itself has none).</summary>
    public const string DeviceBackend = DeviceId + "/virtio-backend";

    /// <summary>The log's sector size: the unit of the log's sector numbers and the request alignment.</summary>
    public const int LogSectorSize = 512;

    /// <summary>The image through a raw node.</summary>
    public static BlockChain Plain(string image) =>
        new(BlockChainKind.Plain,
        [
            "-blockdev", $"driver=file,filename={Escape(image)},node-name=f0",
            "-blockdev", "driver=raw,file=f0,node-name=d0",
            "-device", $"virtio-blk-pci,drive=d0,id={DeviceId}",
        ], "d0");

    /// <summary>The image through blklogwrites, recording into <paramref name="log"/> (which must be empty:
    /// without <c>log-append</c> QEMU writes from sector 1 and leaves older bytes past its end). The super block
    /// is rewritten after every entry (<c>log-super-update-interval=1</c>) so a SIGKILL loses at most the
    /// requests in flight.</summary>
    public static BlockChain LogWrites(string image, string log) =>
        new(BlockChainKind.LogWrites,
        [
            "-blockdev", $"driver=file,filename={Escape(image)},node-name=f0",
            "-blockdev", $"driver=file,filename={Escape(log)},node-name=l0",
            "-blockdev", $"driver=blklogwrites,file=f0,log=l0,log-sector-size={LogSectorSize},log-super-update-interval=1,node-name=lw0",
            "-device", $"virtio-blk-pci,drive=lw0,id={DeviceId}",
        ], "lw0");

    /// <summary>The image through blkdebug with the rule file <paramref name="config"/>, under a raw node (so
    /// blkdebug sees <see cref="BlkDebugConfig.WriteEvent"/>); an injected error reaches the guest as an I/O
    /// error of its request (<c>werror=report,rerror=report</c>) and QMP reports BLOCK_IO_ERROR.</summary>
    public static BlockChain Debug(string image, string config) =>
        new(BlockChainKind.Debug,
        [
            "-blockdev", $"driver=file,filename={Escape(image)},node-name=f0",
            "-blockdev", $"driver=blkdebug,config={Escape(config)},image=f0,node-name=dbg0",
            "-blockdev", "driver=raw,file=dbg0,node-name=d0",
            "-device", $"virtio-blk-pci,drive=d0,id={DeviceId},werror=report,rerror=report",
        ], "d0");

    /// <summary>QEMU's option syntax takes ",," for a literal comma inside a value.</summary>
    private static string Escape(string value) => value.Replace(",", ",,", System.StringComparison.Ordinal);
}
