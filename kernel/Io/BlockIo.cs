namespace CapOS.Kernel.Io;

/// <summary>
/// Synchronous disk transfers for boot-time recovery and tools; the running
/// kernel queues requests and never spins (DESIGN.md §3 "every kernel operation is atomic").
/// </summary>
public static unsafe class BlockIo
{
    /// <summary>Submits <paramref name="request"/> and waits for it. Returns its final status.</summary>
    public static DiskStatus Run(DiskRequest* request)
    {
        while (!BlockDevice.Submit(request))
        {
            BlockDevice.Poll();
            BlockDevice.Wait();
        }

        while (request->Status == DiskStatus.Pending)
        {
            if (BlockDevice.Poll() == 0 && request->Status == DiskStatus.Pending)
            {
                BlockDevice.Wait();
            }
        }

        return request->Status;
    }

    /// <summary>Reads <paramref name="sectorCount"/> sectors at <paramref name="sector"/> into <paramref name="buffer"/>.</summary>
    public static DiskError Read(ulong sector, uint sectorCount, byte* buffer) =>
        Transfer(DiskOperation.Read, sector, sectorCount, buffer);

    /// <summary>Writes <paramref name="sectorCount"/> sectors at <paramref name="sector"/> from <paramref name="buffer"/>.</summary>
    public static DiskError Write(ulong sector, uint sectorCount, byte* buffer) =>
        Transfer(DiskOperation.Write, sector, sectorCount, buffer);

    /// <summary>Makes every completed write durable.</summary>
    public static DiskError Flush() => Transfer(DiskOperation.Flush, 0, 0, null);

    private static DiskError Transfer(DiskOperation operation, ulong sector, uint sectorCount, byte* buffer)
    {
        DiskRequest request = default;
        request.Operation = operation;
        request.Sector = sector;
        request.SectorCount = sectorCount;
        request.Buffer = buffer;
        DiskStatus status = Run(&request);
        return status == DiskStatus.Done ? DiskError.None : request.Error;
    }
}
