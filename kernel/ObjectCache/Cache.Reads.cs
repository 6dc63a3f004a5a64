using CapOS.Kernel.DiskFormat;
using CapOS.Kernel.Io;
using CapOS.Kernel.NodeTree;

namespace CapOS.Kernel.ObjectCache;

/// <summary>
/// Asynchronous object faults: the read table, starting a read, joining one, completing them (docs/object-cache.md
/// "Asynchronous faults"; EROS SOSP'99 §3.3, §3.4: a process that needs an object not in memory is queued on the
/// object and restarts its operation when the object arrives; nothing waits in place in the kernel).
/// </summary>
/// <remarks>
/// A fault on behalf of a process (<see cref="FaultMode.Asynchronous"/>) that needs the disk takes a slot of the
/// read table and a frame, submits the first read and answers <see cref="CacheResult.Pending"/> with the slot in
/// <see cref="LastPendingRead"/>; the caller stalls its process on that slot (Process.Stall.OnObject) and
/// abandons its operation. <see cref="CompleteReads"/> (the scheduler's background work: every interrupt taken
/// in ring 3 and the idle loop) advances every read whose request completed: checks it (I7), submits the next
/// read of the same fault (tag pot, then data page) or installs the object, and wakes the slot's queue.
/// I12: an object has at most one read in flight, and the frame reserved for it is ObType None with flag
/// Reading: the clock neither hands it out nor evicts it, and nothing else sees it until the read passed I7
/// and the object is installed. A second fault on the object while its read is in flight joins it (the same
/// slot, no second read); a synchronous fault on it waits for that read instead of starting another.
/// Checked: CacheReadTests.ASecondFaultJoinsTheReadInFlight, CacheReadTests.ASynchronousFaultWaitsForTheReadInFlight.
/// I13: every read ends: installed, or failed with its frame released and its result kept for the processes
/// it woke, at least one (each retry gets it once, as a synchronous fault would have answered:
/// ObjectRead.Waiters); a slot whose failure nobody retried is reused only when no slot is free. A fault that finds no free slot waits for
/// the oldest read in flight (no frame reserved) and faults again. Checked:
/// CacheReadTests.AGarbageReadIsReadAgainAndAFailedOneReachesEveryWaiter, CacheReadTests.AFullReadTableMakesAFaultWaitForTheOldestRead,
/// AsyncFaultPropertyTests.
/// </remarks>
public static unsafe partial class Cache
{
    /// <summary>Object reads that may be in flight at once (slots of the read table; each has a 4 KiB buffer).</summary>
    public const int ReadSlots = 16;

    private static ObjectRead* s_reads;
    private static byte* s_readBuffers;
    private static ulong s_readsStarted;
    private static int s_lastPendingRead;

    /// <summary>The read slot of the last <see cref="CacheResult.Pending"/> answer: the queue its process waits on.</summary>
    public static int LastPendingRead => s_lastPendingRead;

    /// <summary>Bytes <see cref="Initialize"/> takes besides the frames, their headers and the hash (for sizing a cache to memory).</summary>
    public static ulong FixedBytes => ((TagPotCache.SlotCount + 1 + (ulong)ReadSlots) * PageSize) + ReadTableBytes + 64;

    private static ulong ReadTableBytes => ((ulong)ReadSlots * (ulong)sizeof(ObjectRead)) + 16;

    /// <summary>Reads queued or with the driver.</summary>
    public static int ReadsInFlight
    {
        get
        {
            int count = 0;
            for (int i = 0; s_initialized && i < ReadSlots; i++)
            {
                count += s_reads[i].State is ReadState.Queued or ReadState.Reading ? 1 : 0;
            }

            return count;
        }
    }

    /// <summary>State of read slot <paramref name="slot"/> (tests, diagnostics).</summary>
    public static ReadState ReadStateOf(int slot) => s_initialized && slot >= 0 && slot < ReadSlots ? s_reads[slot].State : ReadState.Free;

    /// <summary>The object read slot <paramref name="slot"/> is for (meaningless while Free).</summary>
    public static Oid ReadOidOf(int slot) => s_initialized && slot >= 0 && slot < ReadSlots ? s_reads[slot].Oid : default;

    private static void InitializeReads(byte* buffers, byte* table)
    {
        s_readBuffers = buffers;
        s_reads = (ObjectRead*)(((ulong)table + 15) & ~15UL);
        for (int i = 0; i < ReadSlots; i++)
        {
            s_reads[i] = default;
        }

        s_readsStarted = 0;
        s_lastPendingRead = -1;
    }

    /// <summary>The slot whose fault is for <paramref name="oid"/> (in flight or failed), or -1.</summary>
    private static int FindRead(Oid oid)
    {
        for (int i = 0; i < ReadSlots; i++)
        {
            if (s_reads[i].State != ReadState.Free && s_reads[i].Oid == oid)
            {
                return i;
            }
        }

        return -1;
    }

    /// <summary>An asynchronous fault meets slot <paramref name="slot"/>'s read of its object: join it, or take its failure once (I13).</summary>
    private static CacheResult JoinRead(int slot)
    {
        ObjectRead* read = &s_reads[slot];
        if (read->State != ReadState.Failed)
        {
            s_statistics.Joins++;
            s_lastPendingRead = slot;
            return CacheResult.Pending;
        }

        CacheResult result = read->Result;
        NoteFailure(read, result);
        if (read->Waiters <= 1)
        {
            read->State = ReadState.Free;
        }

        read->Waiters = read->Waiters == 0 ? 0 : read->Waiters - 1;
        return result;
    }

    /// <summary>A synchronous fault meets slot <paramref name="slot"/>'s read of its object: it waits for that read (I12).</summary>
    private static void WaitForRead(int slot)
    {
        while (s_reads[slot].State is ReadState.Queued or ReadState.Reading)
        {
            if (CompleteReads() == 0 && s_reads[slot].State is ReadState.Queued or ReadState.Reading)
            {
                BlockDevice.Wait();
            }
        }
    }

    /// <summary>Starts an asynchronous fault of the object at <paramref name="location"/> (not cached, no read of it in flight).</summary>
    private static CacheResult StartRead(ObType type, Oid oid, ObjectLocation* location, out ObjectHeader* frame)
    {
        frame = null;
        int slot = FreeSlot();
        if (slot < 0)
        {
            s_lastPendingRead = OldestRead(); // I13: wait for a slot to come free, then fault again
            s_statistics.Joins++;
            return CacheResult.Pending;
        }

        CacheResult result = AllocateFrame(type, out ObjectHeader* free);
        if (result != CacheResult.Ok)
        {
            return result;
        }

        ObjectRead* read = &s_reads[slot];
        free->Flags = ObjectFlags.Reading; // I12: reserved
        Begin(read, type, oid, free, location, s_readBuffers + ((ulong)slot * PageSize));
        read->Started = ++s_readsStarted;
        read->State = ReadState.Queued;
        result = Advance(read);
        if (result == CacheResult.Pending)
        {
            Submit(read);
            s_lastPendingRead = slot;
            return CacheResult.Pending;
        }

        End(slot, result); // a zero page needs no read
        if (result == CacheResult.Ok)
        {
            frame = free;
        }
        else
        {
            NoteFailure(read, result);
            read->State = ReadState.Free;
        }

        return result;
    }

    /// <summary>A free slot, else one whose failure is still kept (its waiters will read again), else -1.</summary>
    private static int FreeSlot()
    {
        int failed = -1;
        for (int i = 0; i < ReadSlots; i++)
        {
            if (s_reads[i].State == ReadState.Free)
            {
                return i;
            }

            if (s_reads[i].State == ReadState.Failed && failed < 0)
            {
                failed = i;
            }
        }

        if (failed >= 0)
        {
            s_reads[failed].State = ReadState.Free;
        }

        return failed;
    }

    private static int OldestRead()
    {
        int oldest = 0;
        for (int i = 1; i < ReadSlots; i++)
        {
            if (s_reads[i].Started < s_reads[oldest].Started)
            {
                oldest = i;
            }
        }

        return oldest;
    }

    private static void Submit(ObjectRead* read)
    {
        if (BlockDevice.Submit(&read->Request))
        {
            s_statistics.PagesRead++;
            read->State = ReadState.Reading;
        }
        else
        {
            read->State = ReadState.Queued; // the device queue is full: CompleteReads submits it later
        }
    }

    /// <summary>
    /// The completion path of asynchronous faults (the scheduler's background work; tests call it after the
    /// simulated disk completed reads): polls the device, advances every read that completed (I7 checks, the next
    /// read of the same fault, or install), submits queued ones, and wakes the processes waiting on each read that
    /// ended. Never waits. Returns how many reads ended.
    /// </summary>
    public static int CompleteReads()
    {
        if (!s_initialized)
        {
            return 0;
        }

        BlockDevice.Poll();
        int ended = 0;
        for (int i = 0; i < ReadSlots; i++)
        {
            ObjectRead* read = &s_reads[i];
            if (read->State == ReadState.Queued)
            {
                Submit(read);
                continue;
            }

            if (read->State != ReadState.Reading || read->Request.Status == DiskStatus.Pending)
            {
                continue;
            }

            CacheResult result = Advance(read);
            if (result == CacheResult.Pending)
            {
                Submit(read);
                continue;
            }

            End(i, result);
            ended++;
        }

        return ended;
    }

    /// <summary>Ends slot <paramref name="slot"/>'s fault: installs the object or releases its frame and keeps the failure (I13); wakes its queue.</summary>
    private static void End(int slot, CacheResult result)
    {
        ObjectRead* read = &s_reads[slot];
        if (result == CacheResult.Ok)
        {
            Diagnostics.Panic.Assert(Lookup(read->Oid) == null, "Cache: an object read completed for an object already cached (I12)");
            Finish(read);
            read->State = ReadState.Free;
        }
        else
        {
            read->Frame->Flags = ObjectFlags.None; // free again (I2)
            read->Result = result;
            read->State = ReadState.Failed;
        }

        read->Frame = null;
        uint woken = (uint)Process.Stall.WakeRead(slot);
        if (result != CacheResult.Ok)
        {
            // At least one: the fault that started the read may retry without having stalled (a deferred restart).
            read->Waiters = woken == 0 ? 1 : woken;
        }
    }
}
