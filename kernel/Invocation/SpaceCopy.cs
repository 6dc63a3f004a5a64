using CapOS.Kernel.NodeTree;
using CapOS.Kernel.ObjectCache;
using CapOS.Kernel.Process;

namespace CapOS.Kernel.Invocation;

/// <summary>
/// A message's string, copied from the sender's address space to the receiver's through their node trees
/// (the segment walk), not through the MMU: either space may be the one not loaded in it, and the walk is the
/// truth the mappings are a cache of (docs/invocation.md "Strings"). A page the process's own tables map (read
/// in software, as UserMemory does for the current process) is taken from there: that mapping is the walk's
/// answer kept by the depend table, and it is what the process itself would read or write.
/// </summary>
/// <remarks>
/// I1 <see cref="Probe"/> changes nothing visible: it walks every page of the range, pins it and, for the
///    receiver, dirties it (invisible); only then does <see cref="Copy"/> write, page by page, and it cannot fail:
///    the pages stay pinned until <see cref="Release"/>.
/// I2 A page is taken from the process's mapping only when the mapping allows the access (present and user; for a
///    write, writable) and names a cached page frame that, for a write, is dirty now (not frozen): the frame the
///    walk would find, already dirtied as the walk would leave it. Anything else takes the walk
///    (SpaceCopyTests.AMappedPageIsTheWalksPageAndAReadOnlyMappingDoesNotServeAWrite).
/// </remarks>
public static unsafe partial class SpaceCopy
{
    /// <summary>What a probe found.</summary>
    public enum ProbeResult : byte
    {
        /// <summary>Every page is there (and, for a write, dirty).</summary>
        Ok = 0,

        /// <summary>A page is not mapped or (for a write) read-only: <see cref="Probe"/>'s length says how far the range is good.</summary>
        Short = 1,

        /// <summary>A page must be waited for (<see cref="LastStall"/>): stall, with no effect.</summary>
        Stall = 2,

        /// <summary>An object could not be read (I/O error, damage).</summary>
        Unavailable = 3,
    }

    /// <summary>Longest string one message carries (EROS: 64 KiB).</summary>
    public const ulong MaxStringLength = 65536;

    /// <summary>Pages a string of <see cref="MaxStringLength"/> bytes can touch.</summary>
    public const int MaxPages = (int)(MaxStringLength / 4096) + 1;

    private const ulong PageMask = 4095;

    private static StallReason s_lastStall;
    private static CacheResult s_lastCause;

    /// <summary>After <see cref="ProbeResult.Stall"/>: the queue to wait on (when <see cref="LastCause"/> is not a read in flight).</summary>
    public static StallReason LastStall => s_lastStall;

    /// <summary>After <see cref="ProbeResult.Stall"/>: the cache's answer; Pending means the caller must queue on that read at once (Stall.OnObject).</summary>
    public static CacheResult LastCause => s_lastCause;

    /// <summary>The pages of one probed range, pinned until <see cref="Release"/>.</summary>
    public struct PageList
    {
        /// <summary>Page-aligned address of the first page.</summary>
        public ulong First;

        /// <summary>Pages held.</summary>
        public int Count;

        private fixed ulong _frames[MaxPages];

        public readonly ObjectHeader* Frame(int i) => (ObjectHeader*)_frames[i];

        internal void Add(ObjectHeader* frame) => _frames[Count++] = (ulong)frame;
    }

    /// <summary>
    /// Walks [<paramref name="address"/>, +<paramref name="length"/>) in <paramref name="process"/>'s space
    /// (at most <see cref="MaxStringLength"/> bytes), pinning each page into <paramref name="pages"/> and, for a
    /// write, dirtying it; <paramref name="good"/> is how many bytes from the start are readable (writable).
    /// The caller calls <see cref="Release"/> whatever the answer.
    /// </summary>
    public static ProbeResult Probe(ProcessEntry* process, ulong address, ulong length, bool write, PageList* pages, out ulong good)
    {
        good = 0;
        pages->Count = 0;
        pages->First = address & ~PageMask;
        if (length == 0)
        {
            return ProbeResult.Ok;
        }

        if (length > MaxStringLength || address >= UserMemory.UserLimit || length > UserMemory.UserLimit - address)
        {
            return ProbeResult.Short;
        }

        ulong end = address + length;
        for (ulong page = pages->First; page < end; page += PageMask + 1)
        {
            ProbeResult result = ProbePage(process, page, write, pages);
            if (result != ProbeResult.Ok)
            {
                return result;
            }

            ulong pageEnd = page + PageMask + 1;
            good = (pageEnd < end ? pageEnd : end) - address;
        }

        return ProbeResult.Ok;
    }

    /// <summary>Copies <paramref name="length"/> bytes between two probed ranges (I1); cannot fail.</summary>
    public static void Copy(PageList* from, ulong source, PageList* to, ulong destination, ulong length)
    {
        while (length != 0)
        {
            ulong chunk = PageMask + 1 - (source & PageMask);
            ulong room = PageMask + 1 - (destination & PageMask);
            chunk = chunk < room ? chunk : room;
            chunk = chunk < length ? chunk : length;
            byte* s = Cache.PageData(from->Frame((int)((source - from->First) >> 12)));
            byte* d = Cache.PageData(to->Frame((int)((destination - to->First) >> 12)));
            CopyRun(s + (source & PageMask), d + (destination & PageMask), chunk);
            source += chunk;
            destination += chunk;
            length -= chunk;
        }
    }

    /// <summary>Copies one run inside a page of each side (the machine's fastest copy: Arch.X64 uses <c>rep movsq</c>).</summary>
    private static partial void CopyRun(byte* source, byte* destination, ulong length);

    /// <summary>The page frame the process's own mapping gives for <paramref name="page"/>, when it may serve the access (I2); else null.</summary>
    private static ObjectHeader* MappedPage(ProcessEntry* process, ulong page, bool write)
    {
        ulong frame = process->AddressSpace == 0 ? ulong.MaxValue : MappedFrame(process->AddressSpace, page, write);
        ObjectHeader* header = frame == ulong.MaxValue ? null : Cache.PageFrameAt(frame & ~PageMask);
        return header == null || (write && !Cache.IsDirtyNow(header)) ? null : header;
    }

    /// <summary>The physical address <paramref name="address"/> maps to in the tables at <paramref name="addressSpace"/>
    /// (read in software, not through the MMU), or ulong.MaxValue when it is not mapped for the access.</summary>
    private static partial ulong MappedFrame(ulong addressSpace, ulong address, bool write);

    /// <summary>Unpins the pages of <paramref name="pages"/>.</summary>
    public static void Release(PageList* pages)
    {
        for (int i = 0; i < pages->Count; i++)
        {
            Cache.Unpin(pages->Frame(i));
        }

        pages->Count = 0;
    }

    private static ProbeResult ProbePage(ProcessEntry* process, ulong page, bool write, PageList* pages)
    {
        ObjectHeader* mapped = MappedPage(process, page, write);
        if (mapped != null)
        {
            Cache.Pin(mapped);
            pages->Add(mapped);
            return ProbeResult.Ok;
        }

        SegmentWalk.Walk(Node.Slot(Cache.NodeBody(process->RootFrame), ProcessRoot.AddressSpace), page, write, FaultMode.Asynchronous, out SegmentWalk.Result walk);
        s_lastCause = walk.Cause;
        ProbeResult result = walk.Outcome switch
        {
            WalkOutcome.Success => ProbeResult.Ok,
            WalkOutcome.ObjectUnavailable => Stall.ReasonFor(walk.Cause) != StallReason.None ? ProbeResult.Stall : ProbeResult.Unavailable,
            _ => ProbeResult.Short,
        };
        s_lastStall = StallReason.Checkpoint;
        if (result == ProbeResult.Ok && write && !Cache.MarkDirty(walk.Page))
        {
            s_lastStall = Cache.LastRefusal == DirtyRefusal.ImageInFlight ? StallReason.ImageWrite : StallReason.LogSpace;
            s_lastCause = CacheResult.Ok;
            result = ProbeResult.Stall;
        }

        if (result == ProbeResult.Ok)
        {
            Cache.Pin(walk.Page);
            pages->Add(walk.Page);
        }

        SegmentWalk.Release(ref walk);
        if (result == ProbeResult.Ok && process->AddressSpace != 0)
        {
            // The entry a fault would build (every object of the path is in memory now, so nothing is read), so that the
            // next probe of this page takes it from the mapping (I2): a buffer its process never touches itself (a
            // receive buffer, the pipe's ring as the kernel fills it) is probed through its tables from then on.
            AddressSpaces.HandlePageFault(process->RootFrame, ProcessRoot.AddressSpace, process->AddressSpace, page, write);
        }

        return result;
    }
}
