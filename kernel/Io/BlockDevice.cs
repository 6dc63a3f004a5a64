namespace CapOS.Kernel.Io;

/// <summary>
/// The block-device seam: the persistent store's one disk (docs/io.md).
/// </summary>
/// <remarks>
/// Implemented by the virtio-blk driver on metal (kernel/Arch.X64) and by the
/// simulated disk on the host (kernel/Host), which can cut the power after any
/// write. Requests complete asynchronously and possibly out of order; a caller
/// that needs ordering waits for completion (and issues a Flush) before the
/// dependent request, as the checkpoint commit does.
/// </remarks>
public static unsafe partial class BlockDevice
{
    /// <summary>Bytes per sector.</summary>
    public const int SectorSize = 512;

    /// <summary>True when a disk is attached and initialized.</summary>
    public static partial bool Present();

    /// <summary>Capacity in 512-byte sectors (0 when no disk).</summary>
    public static partial ulong SectorCount();

    /// <summary>
    /// Hands <paramref name="request"/> to the driver and sets it Pending. Returns false,
    /// leaving the request untouched, when the device queue is full: Poll and try again.
    /// A request the driver can reject at once completes Failed instead.
    /// </summary>
    public static partial bool Submit(DiskRequest* request);

    /// <summary>Reaps finished requests (sets their Status). Returns how many finished.</summary>
    public static partial int Poll();

    /// <summary>
    /// Waits until something may have completed (metal: halt until an interrupt;
    /// host: lets the simulated disk finish queued work). Always followed by Poll.
    /// </summary>
    public static partial void Wait();
}
