namespace CapOS.Kernel.Io;

/// <summary>
/// Metal half of the block-device seam (kernel/Io/BlockDevice.cs): the virtio-blk driver
/// (Arch.X64/VirtioBlk*.X64.cs). The first call probes the PCI bus; with no usable device
/// the disk is absent (Present false, requests fail with NoDevice). docs/io.md.
/// </summary>
public static unsafe partial class BlockDevice
{
    public static partial bool Present() => Arch.X64.VirtioBlk.Present();

    public static partial ulong SectorCount() => Arch.X64.VirtioBlk.SectorCount();

    public static partial bool Submit(DiskRequest* request) => Arch.X64.VirtioBlk.Submit(request);

    public static partial int Poll() => Arch.X64.VirtioBlk.Poll();

    public static partial void Wait() => Arch.X64.VirtioBlk.Wait();
}
