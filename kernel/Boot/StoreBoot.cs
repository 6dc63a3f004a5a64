using CapOS.Kernel.Checkpoint;
using CapOS.Kernel.Diagnostics;
using CapOS.Kernel.Memory;
using CapOS.Kernel.NodeTree;
using CapOS.Kernel.ObjectCache;

namespace CapOS.Kernel.Boot;

/// <summary>
/// Boot is recovery (DESIGN.md §1; EROS SOSP'99 §3.5): right after the page allocator, the kernel sizes
/// the object cache, takes one physically contiguous run for the store and recovers the last committed
/// checkpoint through <see cref="Store.Boot"/>, which stops the machine (exit code 4, the fault named)
/// when the disk is missing, foreign or damaged. Then, with <c>walk=&lt;oid&gt;</c>, the graph walk of
/// issue #3 item 7. docs/recovery.md "Boot sequence on metal"; the lines are in docs/boot.md "Serial contract".
/// </summary>
/// <remarks>
/// Cache size: <c>cache-pages=N cache-nodes=N</c> (both, each 1..<see cref="MaxFrames"/>) give the frame
/// counts and the run is sized for exactly them plus a directory allowance of
/// <see cref="DirectoryAllowanceEntries"/> entries; otherwise the run is half the free pages, capped at
/// <see cref="DefaultCapBytes"/>, and <see cref="Store"/> splits it (an eighth for node frames).
/// I1: the run is allocated once and never returned: the cache, the directory and the recovered headers
/// live in it for the life of the system. The walk's memory is a second run, returned after the walk.
/// </remarks>
public static unsafe class StoreBoot
{
    /// <summary>Largest share of memory the store takes by default.</summary>
    public const ulong DefaultCapBytes = 256UL * 1024 * 1024;

    /// <summary>Largest frame count accepted from the command line (Store's own limit).</summary>
    public const ulong MaxFrames = 0x1000000;

    /// <summary>Directory entries the run has room for when the frame counts are given (about 28 bytes each).</summary>
    public const uint DirectoryAllowanceEntries = 32768;

    /// <summary>Pages for the walk's seen-set and queue: 1 MiB, about 32 000 objects.</summary>
    public const ulong WalkPages = 256;

    /// <summary>Recovers the store or stops the machine; then runs the walk if asked. Returns only on success.</summary>
    public static void Run(BootInfo* boot)
    {
        ulong start = Machine.CycleCounter();
        ulong pages = RunPages(boot, out uint pageFrames, out uint nodeFrames);
        ulong physical = PageAllocator.AllocateRun(pages);
        Store.Boot(physical, physical == 0 ? 0 : pages * PageAllocator.PageSize, pageFrames, nodeFrames);
        ulong end = Machine.CycleCounter();

        Log.Write("store: cache page-frames=");
        Log.WriteDecimal(Cache.PageFrameCount);
        Log.Write(" node-frames=");
        Log.WriteDecimal(Cache.NodeFrameCount);
        Log.Write(" run=");
        Log.WriteDecimal(pages * PageAllocator.PageSize / 1024);
        Log.WriteLine(" KiB");
        Log.Write("store: recovered in ");
        Log.WriteDecimal(Microseconds(end - start));
        Log.Write(" us, ");
        Log.WriteDecimal(Microseconds(end));
        Log.WriteLine(" us after reset");

        Walk(boot);
    }

    /// <summary>
    /// Pages of the store's run, and the frame counts to pass to <see cref="Store.Boot"/> (0, 0: sized
    /// by the store from the run).
    /// </summary>
    public static ulong RunPages(BootInfo* boot, out uint pageFrames, out uint nodeFrames)
    {
        pageFrames = 0;
        nodeFrames = 0;
        OptionStatus pagesOption = boot->TryGetNumber("cache-pages", out ulong pagesValue);
        OptionStatus nodesOption = boot->TryGetNumber("cache-nodes", out ulong nodesValue);
        if (pagesOption == OptionStatus.Present && nodesOption == OptionStatus.Present
            && pagesValue - 1 < MaxFrames && nodesValue - 1 < MaxFrames)
        {
            pageFrames = (uint)pagesValue;
            nodeFrames = (uint)nodesValue;
            ulong bytes = (Store.FixedPages * PageAllocator.PageSize)
                + RoundUp(CheckpointDirectory.RequiredBytes(DirectoryAllowanceEntries))
                + Cache.RequiredBytes(pageFrames, nodeFrames);
            return RoundUp(bytes) / PageAllocator.PageSize;
        }

        if (pagesOption != OptionStatus.Absent || nodesOption != OptionStatus.Absent)
        {
            Log.WriteLine("store: cache-pages= and cache-nodes= go together (1..16777216 each); sizing from memory");
        }

        ulong share = PageAllocator.FreePages / 2;
        ulong cap = DefaultCapBytes / PageAllocator.PageSize;
        return share < cap ? share : cap;
    }

    /// <summary><c>walk=&lt;oid&gt;</c>: walks the graph from that node and prints the walk line and its time.</summary>
    private static void Walk(BootInfo* boot)
    {
        OptionStatus option = boot->TryGetNumber("walk", out ulong root);
        if (option == OptionStatus.Absent)
        {
            return;
        }

        if (option == OptionStatus.Malformed)
        {
            Log.WriteLine("walk: bad root (walk=<oid>, decimal or 0x hex)");
            return;
        }

        ulong memory = PageAllocator.AllocateRun(WalkPages);
        byte* seen = memory == 0 ? null : Machine.PhysicalToVirtual(memory);
        ulong start = Machine.CycleCounter();
        GraphDigest.Walk(new Oid(root), seen, memory == 0 ? 0 : WalkPages * PageAllocator.PageSize, out WalkResult result);
        ulong end = Machine.CycleCounter();
        GraphDigest.Report(new Oid(root), &result);
        Log.Write("walk: took ");
        Log.WriteDecimal(Microseconds(end - start));
        Log.WriteLine(" us");
        if (memory != 0)
        {
            PageAllocator.FreeRun(memory, WalkPages);
        }
    }

    private static ulong Microseconds(ulong cycles)
    {
        ulong hz = Machine.CycleCounterHz();
        return hz == 0 ? 0 : (cycles / hz * 1000000) + (cycles % hz * 1000000 / hz);
    }

    private static ulong RoundUp(ulong bytes) => (bytes + PageAllocator.PageSize - 1) & ~(PageAllocator.PageSize - 1);
}
