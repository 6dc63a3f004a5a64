using CapOS.Kernel.Invocation;
using CapOS.Runtime;
using CapOS.VirtualCopy;

namespace CapOS.VirtualCopyTest;

/// <summary>
/// Heap growth (system/heapbench.sys; docs/bench.md "lmbench", row heap-growth): a process whose space is a fresh
/// virtual copy measures two things through the keeper (userspace/VirtualCopy) and the bank (userspace/SpaceBank).
/// <list type="bullet">
/// <item><c>heap-growth</c>, lat_mmap 1m's work: a fresh demand-zero segment (a red node of height 3) made, mapped
/// into the space, one byte written at each 16 KiB of its first 112 KiB (7 pages), unmapped and destroyed (all it
/// bought goes back to the bank); per mapping, <see cref="Mappings"/> times.</item>
/// <item><c>heap-growth-page</c>, EROS'99's: 256 fresh pages of the space itself write-touched, each timed,
/// <see cref="Rounds"/> times over fresh regions; per page.</item>
/// </list>
/// Before either, a warm-up buys and gives back (a mapped segment touched like the timed pass, plus a round) at
/// least what the timed passes buy: the bank hands out the lowest emptied extents first (ObjectMap I5), so the
/// timed passes touch only objects in memory and never wait for the disk: the figures repeat exactly under icount.
/// </summary>
internal static unsafe class HeapBench
{
    private const int Pages = 256;
    private const int Rounds = 8;
    private const ulong Stride = Pages * 4096 * 2;
    private const ulong Base = 0x2000_0000_0000;
    private const ulong WarmBase = 0x3000_0000_0000;   // aligned to a height-4 slot (4 GiB)
    private const int WarmHeight = 4;                   // slot 0 spans 128 MiB: the timed layout and a round more
    private const ulong MmapBase = 0x4000_0000_0000;   // aligned to a height-3 slot (128 MiB)
    private const int MmapHeight = 3;                   // slot 0 spans 4 MiB, the least that holds 1 MiB
    private const int Mappings = 64;
    private const int WarmMappings = 4;
    private const ulong MmapSize = 1 << 20;
    private const ulong PageStride = 16 << 10;          // lat_mmap's PSIZE
    private const ulong MmapTouched = MmapSize / 10;    // lat_mmap's N = 10: 0, 16K, .., 96K

    private const byte Maker = 4;
    private const byte Prime = 6;
    private const byte ChildProcess = 7;
    private const byte Template = 12;
    private const byte Segment = 13;
    private const byte Resume = 31;

    // The bench's registers for the keys the parent sends it.
    private const byte BenchMaker = 20;
    private const byte BenchBank = 21;
    private const byte BenchSpace = 22;
    private const byte Mapped = 23;

    private static Buffer s_samples;

    /// <summary>The least ticks over the mappings by phase (make and map, the 7 writes, unmap, destroy): the row's profile (least, as a
    /// mean would carry the few mappings a timer tick or a checkpoint lands in).</summary>
    private static ulong s_makeMap, s_touch, s_unmap, s_destroy;

    /// <summary>The parent: makes the child's space a virtual copy, hands it the maker, the bank and its space, prints the keeper's statistics when it reports.</summary>
    public static void RunParent()
    {
        InvocationMessage none = default;
        InvocationResponse request;
        Gate.ReturnAndWait(0, &none, Resume, &request);
        var child = new ProcessKeyRef(ChildProcess);
        child.CopyRootSlot(2, Template);
        var maker = new VirtualCopyKeyRef(Maker);
        if (maker.CreateCopy(Prime, Template, Segment) != InvocationResult.Ok || child.SwapRootSlot(2, Segment, 0) != InvocationResult.Ok)
        {
            Console.WriteLine("heapbench: FAIL the copy");
            return;
        }

        maker.Statistics(out ulong servedBefore, out ulong callsBefore, out _, out _);
        InvocationMessage keys = default;
        keys.SendKeys = Maker | ((ulong)Prime << 8) | ((ulong)Segment << 16);
        Gate.ReturnAndWait(Resume, &keys, Resume, &request);
        maker.Statistics(out ulong served, out ulong calls, out ulong most, out ulong notServed);
        ulong faults = served - servedBefore;
        Program.Print("heapbench: keeper", "faults", faults, "invocations-per-fault", faults == 0 ? 0 : (calls - callsBefore) / faults, "most", most, "not-served", notServed);
        Gate.ReturnAndWait(Resume, &none, Resume, &request);
    }

    /// <summary>The child: warms up, measures both rows, reports to the parent, prints done.</summary>
    public static void Run()
    {
        // Returns in a virtual copy of itself, with the maker, the bank and its own space.
        KeyCall.Call(Child.Parent, 0, 0, 0, 0, 0, BenchMaker | ((ulong)BenchBank << 8) | ((ulong)BenchSpace << 16), out _);
        fixed (Buffer* buffer = &s_samples)
        {
            ulong* samples = buffer->Ticks;
            for (int i = 0; i < Pages * Rounds; i++)
            {
                samples[i] = 0; // the samples' own pages copied before the measurement
            }

            if (!WarmUp())
            {
                return;
            }

            if (!MeasureMappings(samples))
            {
                return;
            }

            MeasurePages(samples);
        }

        KeyCall.Call(Child.Parent, 0, 0, 0, 0, 0, 0, out _);
        Console.WriteLine("lmbench: done");
    }

    /// <summary>A segment mapped, touched like the timed page pass plus a round, unmapped, destroyed; then mappings as the timed ones.</summary>
    private static bool WarmUp()
    {
        var maker = new VirtualCopyKeyRef(BenchMaker);
        if (!Step("warm-up make", maker.CreateDemandZero(BenchBank, Mapped, WarmHeight))
            || !Step("warm-up map", maker.Map(BenchSpace, Mapped, WarmBase)))
        {
            return false;
        }

        for (int round = 0; round <= Rounds; round++)
        {
            for (int page = 0; page < Pages; page++)
            {
                *(ulong*)(WarmBase + ((ulong)round * Stride) + ((ulong)page * 4096)) = 1;
            }
        }

        if (!Step("warm-up unmap", maker.Unmap(BenchSpace, Mapped, WarmBase)) || !Step("warm-up destroy", maker.Destroy(Mapped)))
        {
            return false;
        }

        for (int i = 0; i < WarmMappings; i++)
        {
            if (Mapping(maker) == 0)
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Row heap-growth: lat_mmap 1m's work per mapping, <see cref="Mappings"/> times.</summary>
    private static bool MeasureMappings(ulong* samples)
    {
        var maker = new VirtualCopyKeyRef(BenchMaker);
        s_makeMap = s_touch = s_unmap = s_destroy = ulong.MaxValue; // the warm-up's mappings are not the row's
        for (int i = 0; i < Mappings; i++)
        {
            samples[i] = Mapping(maker);
            if (samples[i] == 0)
            {
                return false;
            }
        }

        Program.Print("heapbench: mapping phases, least ticks", "make-map", s_makeMap, "touch-7", s_touch, "unmap", s_unmap, "destroy", s_destroy);
        Samples.Sort(samples, Mappings);
        Program.Print("lmbench: row=heap-growth", "n", Mappings, "min-ticks", samples[0], "median-ticks", samples[Mappings / 2]);
        return true;
    }

    /// <summary>One mapping: made, mapped, 7 bytes written 16 KiB apart, unmapped, destroyed; its ticks (0: an order failed, said why).</summary>
    private static ulong Mapping(VirtualCopyKeyRef maker)
    {
        ulong start = Tsc.Read();
        if (!Step("make", maker.CreateDemandZero(BenchBank, Mapped, MmapHeight)) || !Step("map", maker.Map(BenchSpace, Mapped, MmapBase)))
        {
            return 0;
        }

        ulong mapped = Tsc.Read();
        for (ulong offset = 0; offset < MmapTouched; offset += PageStride)
        {
            *(byte*)(MmapBase + offset) = 1;
        }

        ulong touched = Tsc.Read();
        if (!Step("unmap", maker.Unmap(BenchSpace, Mapped, MmapBase)))
        {
            return 0;
        }

        ulong unmapped = Tsc.Read();
        if (!Step("destroy", maker.Destroy(Mapped)))
        {
            return 0;
        }

        ulong end = Tsc.Read();
        s_makeMap = Least(s_makeMap, mapped - start);
        s_touch = Least(s_touch, touched - mapped);
        s_unmap = Least(s_unmap, unmapped - touched);
        s_destroy = Least(s_destroy, end - unmapped);
        ulong ticks = end - start;
        return ticks == 0 ? 1 : ticks;
    }

    private static ulong Least(ulong a, ulong b) => a < b ? a : b;

    /// <summary>Row heap-growth-page: 256 fresh pages of the space, each write timed, <see cref="Rounds"/> rounds.</summary>
    private static void MeasurePages(ulong* samples)
    {
        for (int round = 0; round < Rounds; round++)
        {
            ulong at = Base + ((ulong)round * Stride);
            for (int page = 0; page < Pages; page++)
            {
                ulong* target = (ulong*)(at + ((ulong)page * 4096));
                ulong start = Tsc.Read();
                *target = 1;
                samples[(round * Pages) + page] = Tsc.Read() - start;
            }
        }

        Samples.Sort(samples, Pages * Rounds);
        Program.Print("lmbench: row=heap-growth-page", "n", Pages, "min-ticks", samples[0], "median-ticks", samples[Pages * Rounds / 2]);
    }

    private static bool Step(string what, InvocationResult result)
    {
        if (result == InvocationResult.Ok)
        {
            return true;
        }

        Program.Print("heapbench: FAIL", what, (ulong)result);
        return false;
    }

    private struct Buffer
    {
        public fixed ulong Ticks[Pages * Rounds];
    }
}
