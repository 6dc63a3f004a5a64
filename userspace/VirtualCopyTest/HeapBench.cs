using CapOS.Kernel.Invocation;
using CapOS.Runtime;
using CapOS.VirtualCopy;

namespace CapOS.VirtualCopyTest;

/// <summary>
/// Heap growth (system/heapbench.sys; EROS SOSP'99: 20.42 µs per page against Linux's 31.74): a process whose space
/// is a fresh virtual copy write-touches 256 fresh pages, each timed with the TSC, <see cref="Rounds"/> times over
/// fresh regions; prints <c>lmbench: row=heap-growth n=256 min-ticks=.. median-ticks=..</c> over every page touched
/// (docs/bench.md's line contract), the keeper's fault statistics, then <c>lmbench: done</c>.
/// </summary>
internal static unsafe class HeapBench
{
    private const int Pages = 256;
    private const int Rounds = 8;
    private const ulong Base = 0x2000_0000_0000;
    private const byte Maker = 4;
    private const byte Prime = 6;
    private const byte ChildProcess = 7;
    private const byte Template = 12;
    private const byte Segment = 13;
    private const byte Resume = 31;

    private static Buffer s_samples;

    /// <summary>The parent: makes the child's space a virtual copy, lets it run, prints the keeper's statistics when it reports.</summary>
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
        Gate.ReturnAndWait(Resume, &none, Resume, &request);
        maker.Statistics(out ulong served, out ulong calls, out ulong most, out ulong notServed);
        ulong faults = served - servedBefore;
        Program.Print("heapbench: keeper", "faults", faults, "invocations-per-fault", faults == 0 ? 0 : (calls - callsBefore) / faults, "most", most, "not-served", notServed);
        Gate.ReturnAndWait(Resume, &none, Resume, &request);
    }

    /// <summary>The child: measures, prints the row, reports to the parent, prints done.</summary>
    public static void Run()
    {
        KeyCall.Call(Child.Parent, 0, 0, 0, 0, 0, 0, out _); // returns in a virtual copy of itself
        fixed (Buffer* buffer = &s_samples)
        {
            ulong* samples = buffer->Ticks;
            for (int i = 0; i < Pages * Rounds; i++)
            {
                samples[i] = 0; // the samples' own pages copied before the measurement
            }

            for (int round = 0; round < Rounds; round++)
            {
                ulong at = Base + ((ulong)round * Pages * 4096 * 2);
                for (int page = 0; page < Pages; page++)
                {
                    ulong* target = (ulong*)(at + ((ulong)page * 4096));
                    ulong start = Tsc.Read();
                    *target = 1;
                    samples[(round * Pages) + page] = Tsc.Read() - start;
                }
            }

            Samples.Sort(samples, Pages * Rounds);
            Program.Print("lmbench: row=heap-growth", "n", Pages, "min-ticks", samples[0], "median-ticks", samples[Pages * Rounds / 2]);
        }

        KeyCall.Call(Child.Parent, 0, 0, 0, 0, 0, 0, out _);
        Console.WriteLine("lmbench: done");
    }

    private struct Buffer
    {
        public fixed ulong Ticks[Pages * Rounds];
    }
}
