using CapOS.Kernel.Diagnostics;
using CapOS.Kernel.Io;
using CapOS.Kernel.DiskFormat;
using CapOS.Kernel.Memory;

namespace CapOS.Kernel.Testing;

/// <summary>
/// The disk self-test (command-line option <c>test=disk</c>): exercises the block-device seam
/// the way the checkpoint will and measures the driver. docs/io.md "The disk self-test".
/// </summary>
/// <remarks>
/// Steps: 16 reads of pages 0..15 submitted before any wait, each compared with a later
/// one-at-a-time read of the same page, and the CRC-32C of page 0 printed; a read whose buffer
/// straddles two pages; the scratch area (the last 2 MiB of the disk, overwritten) written
/// sequentially, 32 writes in flight, then a Flush, timed; the scratch area read back and
/// compared with <see cref="PatternWord"/>; single-read latency; two out-of-range reads that
/// must complete Failed. It refuses to write when page 0 or 1 holds a volume header whose volume reaches
/// the scratch area (<see cref="ScratchOverlapsVolume"/>). Every line starts "disk: "; the last is "disk: selftest ok
/// inflight=N" or "disk: selftest FAILED: why". Pages come from the page allocator and go back.
/// </remarks>
public static unsafe partial class DiskSelfTest
{
    public const int ConcurrentReads = 16;
    public const int WriteWindow = 32;
    public const uint ScratchPages = 512;
    public const int LatencySamples = 16;
    public const uint PageBytes = 4096;
    public const uint SectorsPerPage = PageBytes / BlockDevice.SectorSize;

    /// <summary>Pages the self-test takes from the allocator: window buffers, a check page, a pair, the requests.</summary>
    private const int WorkPages = WriteWindow + 4;

    /// <summary>The 8-byte word the self-test writes at <paramref name="wordIndex"/> of <paramref name="sector"/>.</summary>
    public static ulong PatternWord(ulong sector, uint wordIndex) => 0xC0DE000000000000UL | (sector << 8) | wordIndex;

    /// <summary>The first sector of the scratch area the self-test overwrites.</summary>
    public static ulong ScratchSector(ulong sectorCount) => ((sectorCount / SectorsPerPage) - ScratchPages) * SectorsPerPage;

    /// <summary>
    /// True when <paramref name="header"/> (page 0 or its copy in page 1) is a valid volume header whose
    /// volume reaches into the scratch area: the self-test must never overwrite a live store.
    /// </summary>
    public static bool ScratchOverlapsVolume(VolumeHeader* header)
    {
        ulong sectors = BlockDevice.SectorCount();
        return VolumeHeader.Validate(header, sectors / SectorsPerPage) == FormatError.None
            && header->VolumePageCount * SectorsPerPage > ScratchSector(sectors);
    }

    /// <summary>Runs the test; true when every step passed.</summary>
    public static bool Run()
    {
        if (!BlockDevice.Present())
        {
            Log.WriteLine("disk: selftest skipped: no disk");
            return false;
        }

        if (BlockDevice.SectorCount() < (ScratchPages + 512) * SectorsPerPage)
        {
            return Failed("disk smaller than 4 MiB");
        }

        Workspace work = default;
        if (!work.Allocate())
        {
            work.Release();
            return Failed("no memory");
        }

        bool passed = ReadConcurrently(&work) && ReadAcrossPages(&work) && WriteScratch(&work)
            && VerifyScratch(&work) && MeasureReadLatency(&work) && RejectOutOfRange(&work);
        work.Release();
        if (passed)
        {
            Log.Write("disk: selftest ok inflight=");
            Log.WriteDecimal((ulong)work.MaxInFlight);
            Log.WriteLine();
        }

        return passed;
    }

    private static bool ReadConcurrently(Workspace* work)
    {
        for (int i = 0; i < ConcurrentReads; i++)
        {
            Prepare(work->Request(i), DiskOperation.Read, (ulong)i * SectorsPerPage, SectorsPerPage, work->Buffer(i));
            SubmitOrWait(work->Request(i));
        }

        work->NotePending(ConcurrentReads);
        for (int i = 0; i < ConcurrentReads; i++)
        {
            if (!Completed(work->Request(i), "concurrent read of page", (ulong)i))
            {
                return false;
            }
        }

        Log.Write("disk: read page 0 crc=");
        Log.WriteHex(Crc32C.Compute(work->Buffer(0), PageBytes), 8);
        Log.WriteLine();
        if (ScratchOverlapsVolume((VolumeHeader*)work->Buffer(0)) || ScratchOverlapsVolume((VolumeHeader*)work->Buffer(1)))
        {
            return Failed("the scratch area (the disk's last 2 MiB) lies inside a CapOS volume: attach a larger copy");
        }

        for (int i = 0; i < ConcurrentReads; i++)
        {
            if (BlockIo.Read((ulong)i * SectorsPerPage, SectorsPerPage, work->Check) != DiskError.None)
            {
                return Failed("single read of a page failed");
            }

            if (!Same(work->Check, work->Buffer(i), PageBytes))
            {
                return Failed("concurrent and single reads of a page differ");
            }
        }

        return true;
    }

    /// <summary>Sectors 4..11 into a buffer that straddles two pages: the driver splits it (I2).</summary>
    private static bool ReadAcrossPages(Workspace* work)
    {
        if (work->Pair == null)
        {
            Log.WriteLine("disk: cross-page read skipped: no adjacent frames");
            return true;
        }

        byte* buffer = work->Pair + (PageBytes / 2);
        if (BlockIo.Read(SectorsPerPage / 2, SectorsPerPage, buffer) != DiskError.None)
        {
            return Failed("cross-page read failed");
        }

        return Same(buffer, work->Buffer(0) + (PageBytes / 2), PageBytes / 2) && Same(buffer + (PageBytes / 2), work->Buffer(1), PageBytes / 2)
            ? true
            : Failed("cross-page read differs");
    }

    private static bool WriteScratch(Workspace* work)
    {
        ulong first = ScratchSector(BlockDevice.SectorCount());
        ulong start = Machine.CycleCounter();
        for (uint page = 0; page < ScratchPages + WriteWindow; page++)
        {
            int slot = (int)(page % WriteWindow);
            DiskRequest* request = work->Request(slot);
            if (page >= WriteWindow && !Completed(request, "write of scratch page", page - WriteWindow))
            {
                return false;
            }

            if (page < ScratchPages)
            {
                ulong sector = first + ((ulong)page * SectorsPerPage);
                Fill(work->Buffer(slot), sector);
                Prepare(request, DiskOperation.Write, sector, SectorsPerPage, work->Buffer(slot));
                SubmitOrWait(request);
                work->NotePending(WriteWindow);
            }
        }

        ulong written = Machine.CycleCounter();
        if (BlockIo.Flush() != DiskError.None)
        {
            return Failed("flush failed");
        }

        ReportThroughput(start, written, Machine.CycleCounter());
        return true;
    }

    private static bool VerifyScratch(Workspace* work)
    {
        ulong first = ScratchSector(BlockDevice.SectorCount());
        for (uint batch = 0; batch < ScratchPages; batch += WriteWindow)
        {
            for (int i = 0; i < WriteWindow; i++)
            {
                Prepare(work->Request(i), DiskOperation.Read, first + ((batch + (ulong)i) * SectorsPerPage), SectorsPerPage, work->Buffer(i));
                SubmitOrWait(work->Request(i));
            }

            for (int i = 0; i < WriteWindow; i++)
            {
                DiskRequest* request = work->Request(i);
                if (!Completed(request, "read-back of scratch page", batch + (ulong)i))
                {
                    return false;
                }

                if (!Matches(request->Buffer, request->Sector))
                {
                    return Failed("scratch read-back differs from what was written");
                }
            }
        }

        return true;
    }

    private static bool MeasureReadLatency(Workspace* work)
    {
        ulong first = ScratchSector(BlockDevice.SectorCount());
        ulong total = 0;
        ulong best = ulong.MaxValue;
        for (int i = 0; i < LatencySamples; i++)
        {
            ulong start = Machine.CycleCounter();
            if (BlockIo.Read(first + ((ulong)i * SectorsPerPage), SectorsPerPage, work->Check) != DiskError.None)
            {
                return Failed("latency read failed");
            }

            ulong cycles = Machine.CycleCounter() - start;
            total += cycles;
            best = cycles < best ? cycles : best;
        }

        Log.Write("disk: read-latency avg=");
        WriteMicroseconds(total / LatencySamples);
        Log.Write(" min=");
        WriteMicroseconds(best);
        Log.Write(" samples=");
        Log.WriteDecimal(LatencySamples);
        Log.WriteLine(" (4 KiB, one in flight)");
        return true;
    }

    private static bool RejectOutOfRange(Workspace* work)
    {
        ulong sectors = BlockDevice.SectorCount();
        DiskError straddling = BlockIo.Read(sectors - (SectorsPerPage / 2), SectorsPerPage, work->Check);
        DiskError beyond = BlockIo.Read(sectors, 1, work->Check);
        if (straddling == DiskError.None || beyond == DiskError.None)
        {
            return Failed("an out-of-range read did not fail");
        }

        Log.Write("disk: out-of-range reads failed as they must: error=");
        Log.Write(ErrorName(straddling));
        Log.Write(",");
        Log.WriteLine(ErrorName(beyond));
        return true;
    }
}
