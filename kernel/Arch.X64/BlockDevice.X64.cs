using CapOS.Kernel.Io;

namespace CapOS.Kernel.Io;

/// <summary>
/// Metal half of the block-device seam. Interim: reports that no disk is attached
/// until the virtio-blk driver replaces this file (issue #3, docs/io.md).
/// </summary>
public static unsafe partial class BlockDevice
{
    public static partial bool Present() => false;

    public static partial ulong SectorCount() => 0;

    public static partial bool Submit(DiskRequest* request)
    {
        request->Error = DiskError.NoDevice;
        request->Status = DiskStatus.Failed;
        return true;
    }

    public static partial int Poll() => 0;

    public static partial void Wait()
    {
    }
}
