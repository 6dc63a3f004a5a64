using CapOS.Kernel.Diagnostics;
using CapOS.Kernel.Io;
using CapOS.Kernel.Memory;

namespace CapOS.Kernel.Testing;

/// <summary>The self-test's helpers and its pages (see DiskSelfTest.cs).</summary>
public static unsafe partial class DiskSelfTest
{
    private static void Prepare(DiskRequest* request, DiskOperation operation, ulong sector, uint count, byte* buffer)
    {
        *request = default;
        request->Operation = operation;
        request->Sector = sector;
        request->SectorCount = count;
        request->Buffer = buffer;
    }

    /// <summary>Submits; while the queue is full, reaps and waits.</summary>
    private static void SubmitOrWait(DiskRequest* request)
    {
        while (!BlockDevice.Submit(request))
        {
            if (BlockDevice.Poll() == 0)
            {
                BlockDevice.Wait();
            }
        }
    }

    /// <summary>Waits for <paramref name="request"/>; false (and a FAILED line) unless it is Done.</summary>
    private static bool Completed(DiskRequest* request, string what, ulong page)
    {
        while (request->Status == DiskStatus.Pending)
        {
            if (BlockDevice.Poll() == 0 && request->Status == DiskStatus.Pending)
            {
                BlockDevice.Wait();
            }
        }

        if (request->Status == DiskStatus.Done)
        {
            return true;
        }

        Log.Write("disk: selftest FAILED: ");
        Log.Write(what);
        Log.Write(" ");
        Log.WriteDecimal(page);
        Log.Write(" error=");
        Log.WriteLine(ErrorName(request->Error));
        return false;
    }

    private static string ErrorName(DiskError error) => error switch
    {
        DiskError.None => "None",
        DiskError.NoDevice => "NoDevice",
        DiskError.BadRequest => "BadRequest",
        DiskError.IoError => "IoError",
        DiskError.Unsupported => "Unsupported",
        DiskError.BadResponse => "BadResponse",
        _ => "Unknown",
    };

    private static bool Failed(string why)
    {
        Log.Write("disk: selftest FAILED: ");
        Log.WriteLine(why);
        return false;
    }

    private static bool Same(byte* a, byte* b, uint length)
    {
        for (uint i = 0; i < length; i++)
        {
            if (a[i] != b[i])
            {
                return false;
            }
        }

        return true;
    }

    private static void Fill(byte* page, ulong firstSector)
    {
        ulong* words = (ulong*)page;
        for (uint i = 0; i < PageBytes / 8; i++)
        {
            words[i] = PatternWord(firstSector + (i / 64), i % 64);
        }
    }

    private static bool Matches(byte* page, ulong firstSector)
    {
        ulong* words = (ulong*)page;
        for (uint i = 0; i < PageBytes / 8; i++)
        {
            if (words[i] != PatternWord(firstSector + (i / 64), i % 64))
            {
                return false;
            }
        }

        return true;
    }

    private static void ReportThroughput(ulong start, ulong written, ulong flushed)
    {
        ulong hz = Machine.CycleCounterHz();
        ulong cycles = flushed - start;
        ulong bytes = (ulong)ScratchPages * PageBytes;
        ulong hundredths = cycles == 0 ? 0 : bytes * (hz / 10000) / cycles;
        Log.Write("disk: write-throughput=");
        Log.WriteDecimal(hundredths / 100);
        Log.Write(".");
        Log.WriteDecimal((hundredths % 100) / 10);
        Log.WriteDecimal(hundredths % 10);
        Log.Write(" MB/s pages=");
        Log.WriteDecimal(ScratchPages);
        Log.Write(" inflight=");
        Log.WriteDecimal(WriteWindow);
        Log.Write(" flush=");
        WriteMicroseconds(flushed - written);
        Log.WriteLine();
    }

    /// <summary>Writes <paramref name="cycles"/> of the cycle counter as microseconds with one decimal and " us".</summary>
    private static void WriteMicroseconds(ulong cycles)
    {
        ulong hz = Machine.CycleCounterHz();
        ulong tenths = hz == 0 ? 0 : cycles * 10 / (hz / 1000000 == 0 ? 1 : hz / 1000000);
        Log.WriteDecimal(tenths / 10);
        Log.Write(".");
        Log.WriteDecimal(tenths % 10);
        Log.Write(" us");
    }

    /// <summary>The pages the self-test borrows from the page allocator.</summary>
    private struct Workspace
    {
        /// <summary>Physical addresses: WriteWindow buffers, then the check page, then two for the pair, then the requests.</summary>
        public fixed ulong Pages[WorkPages];

        /// <summary>Two physically adjacent pages (null when the allocator gave none).</summary>
        public byte* Pair;

        /// <summary>Most requests seen Pending at once.</summary>
        public int MaxInFlight;

        public readonly byte* Check => Machine.PhysicalToVirtual(Pages[WriteWindow]);

        public readonly byte* Buffer(int index) => Machine.PhysicalToVirtual(Pages[index]);

        public readonly DiskRequest* Request(int index) => (DiskRequest*)Machine.PhysicalToVirtual(Pages[WorkPages - 1]) + index;

        public bool Allocate()
        {
            for (int i = 0; i < WorkPages; i++)
            {
                Pages[i] = PageAllocator.AllocateZeroedPage();
                if (Pages[i] == 0)
                {
                    return false;
                }
            }

            ulong a = Pages[WriteWindow + 1];
            ulong b = Pages[WriteWindow + 2];
            Pair = b == a + PageBytes ? Machine.PhysicalToVirtual(a) : a == b + PageBytes ? Machine.PhysicalToVirtual(b) : null;
            return true;
        }

        public void Release()
        {
            for (int i = 0; i < WorkPages; i++)
            {
                if (Pages[i] != 0)
                {
                    PageAllocator.FreePage(Pages[i]);
                    Pages[i] = 0;
                }
            }
        }

        /// <summary>Counts the first <paramref name="count"/> requests that are Pending and keeps the maximum.</summary>
        public void NotePending(int count)
        {
            int pending = 0;
            for (int i = 0; i < count; i++)
            {
                pending += Request(i)->Status == DiskStatus.Pending ? 1 : 0;
            }

            MaxInFlight = pending > MaxInFlight ? pending : MaxInFlight;
        }
    }
}
