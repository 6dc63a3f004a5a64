using CapOS.Kernel.DiskFormat;
using CapOS.Kernel.Io;

namespace CapOS.Kernel.Checkpoint;

/// <summary>
/// Fills and submits the page-sized requests of the writer and migrator (docs/io.md I1..I4).
/// Every transfer is whole 4 KiB disk pages from page-aligned buffers (I2): one page, or for
/// migration a run of consecutive pages from consecutive workspace pages.
/// </summary>
internal static unsafe class CheckpointIo
{
    /// <summary>Prepares <paramref name="request"/> to move disk page <paramref name="page"/> to or from <paramref name="buffer"/>.</summary>
    public static void PreparePage(DiskRequest* request, DiskOperation operation, ulong page, byte* buffer)
    {
        request->Operation = operation;
        request->Status = DiskStatus.Idle;
        request->Error = DiskError.None;
        request->Sector = page * DiskLayout.SectorsPerPage;
        request->SectorCount = DiskLayout.SectorsPerPage;
        request->Buffer = buffer;
        request->Tag = 0;
        request->Next = null;
    }

    /// <summary>
    /// Prepares <paramref name="request"/> to move <paramref name="count"/> consecutive disk pages from
    /// <paramref name="page"/> to or from <paramref name="count"/> consecutive page-aligned workspace pages
    /// (the driver maps each page on its own, io.md I2; count stays far below any seg-max).
    /// </summary>
    public static void PreparePages(DiskRequest* request, DiskOperation operation, ulong page, uint count, byte* buffer)
    {
        PreparePage(request, operation, page, buffer);
        request->SectorCount = count * (uint)DiskLayout.SectorsPerPage;
    }

    /// <summary>Prepares <paramref name="request"/> as a Flush.</summary>
    public static void PrepareFlush(DiskRequest* request)
    {
        request->Operation = DiskOperation.Flush;
        request->Status = DiskStatus.Idle;
        request->Error = DiskError.None;
        request->Sector = 0;
        request->SectorCount = 0;
        request->Buffer = null;
        request->Tag = 0;
        request->Next = null;
    }

    /// <summary>Submits a prepared request; false (request untouched, still Idle) when the device queue is full.</summary>
    public static bool Submit(DiskRequest* request) => BlockDevice.Submit(request);

    /// <summary>True when the request has been submitted and is not finished.</summary>
    public static bool InFlight(DiskRequest* request) => request->Status == DiskStatus.Pending;
}
