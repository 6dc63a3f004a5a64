using CapOS.Kernel.Host;

namespace CapOS.Kernel.Io;

/// <summary>The simulated half of the block-device seam (see kernel/Io/BlockDevice.cs).</summary>
public static unsafe partial class BlockDevice
{
    public static partial bool Present() => SimulatedDisk.Current != null;

    public static partial ulong SectorCount() => SimulatedDisk.Current?.SectorCount ?? 0;

    public static partial bool Submit(DiskRequest* request)
    {
        if (SimulatedDisk.Current is not SimulatedDisk disk)
        {
            request->Error = DiskError.NoDevice;
            request->Status = DiskStatus.Failed;
            return true;
        }

        return disk.Submit(request);
    }

    public static partial int Poll() => SimulatedDisk.Current?.Poll() ?? 0;

    public static partial void Wait() => SimulatedDisk.Current?.Wait();
}
