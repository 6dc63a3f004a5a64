using CapOS.Kernel.Checkpoint;
using CapOS.Kernel.Diagnostics;
using CapOS.Kernel.DiskFormat;
using CapOS.Kernel.NodeTree;
using CapOS.Kernel.ObjectCache;

namespace CapOS.Kernel.Testing.Mutator;

/// <summary>
/// The kernel side of <c>./capos bench checkpoint</c> (<c>bench=checkpoint</c>; docs/bench.md, issue #4
/// item 7): for each dirty count D, dirty D objects, take a checkpoint, wait for its commit and its
/// migration, and print what each phase took.
/// </summary>
/// <remarks>
/// Theory of operation. Objects are taken from the END of the volume's page and node ranges (imagegen
/// slack: nothing else uses them, so the mutator's structure stays intact): D pages (filled with a pattern,
/// so each has a log image) and D / 64 nodes (a number key in slot 31). A count that the ranges or the
/// log's half cannot hold is cut to what was dirtied; the line's <c>dirty=</c> is the snapshot's object
/// count, never the asked one, and <c>pages=</c> the pages among them. One unprinted warm-up checkpoint comes first (under
/// TCG the first run of a code path includes its translation). Lines:
/// <c>bench: checkpoint dirty=D pause-us=X stabilize-us=Y stabilize-mbps=Z migrate-us=.. migrate-mbps=..
/// log-pages=.. check-us=..</c>, then <c>bench: checkpoint done</c>. MB/s is 10^6 bytes per second of
/// log pages written (images and directory) and of home pages migrated (images).
/// I1: each checkpoint starts with the writer Idle and nothing migrating (Drain), so the figures of
/// one count never include another's work.
/// </remarks>
public static unsafe class CheckpointBench
{
    /// <summary>OIDs at the start of each range the benchmark never touches (plug.sys's structure: 29 pages, 10 nodes).</summary>
    public const uint Kept = 64;

    /// <summary>Objects dirtied by the unprinted warm-up checkpoint (TCG translates the code paths once).</summary>
    public const uint WarmUp = 8;

    /// <summary>How many dirty counts are measured.</summary>
    public const int CountCount = 6;

    /// <summary>Dirty pages of count number <paramref name="index"/>: 0, 16, 256, 4096, 16384, 65536 (256 MiB).</summary>
    public static uint Count(int index) => index switch
    {
        0 => 0,
        1 => 16,
        2 => 256,
        3 => 4096,
        4 => 16384,
        _ => 65536,
    };

    /// <summary>Nodes dirtied beside <paramref name="pages"/> dirty pages: one per 64 pages.</summary>
    public static uint NodesFor(uint pages) => pages / 64;

    /// <summary>Runs every count; false when a checkpoint could not be taken (a failed line was printed).</summary>
    public static bool Run(VolumeHeader* volume)
    {
        Checkpointer.SetInterval(0);
        RangeDescriptor* pages = Range(volume, RangeKind.PageRange);
        RangeDescriptor* nodes = Range(volume, RangeKind.NodeRange);
        if (pages == null || nodes == null || !Checkpointer.Ready)
        {
            Log.WriteLine("bench: checkpoint unavailable: no page or node range, or no checkpoint");
            return false;
        }

        Checkpointer.Drain();
        DirtyObjects(pages, nodes, WarmUp * 8, 99);
        if (Checkpointer.TakeCheckpoint() == 0)
        {
            Log.WriteLine("bench: checkpoint failed: the warm-up snapshot was not taken");
            return false;
        }

        for (int i = 0; i < CountCount; i++)
        {
            Checkpointer.Drain();
            uint nodeCount = System.Math.Min(NodesFor(Count(i)), Spare(nodes));
            uint wanted = Count(i) + nodeCount;
            uint dirtied = DirtyObjects(pages, nodes, Count(i), (ulong)i + 1);
            if (!Measure(dirtied > nodeCount ? dirtied - nodeCount : 0))
            {
                return false;
            }

            if (dirtied < wanted)
            {
                Log.Write("bench: note: asked for ");
                Log.WriteDecimal((ulong)wanted);
                Log.WriteLine(" dirty objects; the image's ranges or log half hold fewer");
                break;
            }
        }

        Log.WriteLine("bench: checkpoint done");
        return true;
    }

    private static bool Measure(uint pages)
    {
        ulong sequence = Checkpointer.TakeCheckpoint();
        if (sequence == 0)
        {
            Log.WriteLine("bench: checkpoint failed: the snapshot was not taken");
            return false;
        }

        Checkpointer.Drain();
        if (Generation.Sequence != sequence || !Generation.Migrated)
        {
            Log.WriteLine("bench: checkpoint failed: the checkpoint did not commit and migrate");
            return false;
        }

        ulong stabilizeUs = Checkpointer.Microseconds(Checkpointer.LastStabilizeCycles);
        ulong migrateUs = Checkpointer.Microseconds(Checkpointer.LastMigrateCycles);
        ulong logPages = Generation.Current->LogAreaCount;
        Log.Write("bench: checkpoint dirty=");
        Log.WriteDecimal((ulong)Checkpointer.LastDirty);
        Field(" pause-us=", Checkpointer.Microseconds(Checkpointer.LastPauseCycles));
        Field(" stabilize-us=", stabilizeUs);
        Rate(" stabilize-mbps=", logPages * DiskLayout.PageSize, stabilizeUs);
        Field(" migrate-us=", migrateUs);
        Rate(" migrate-mbps=", (ulong)CheckpointWriter.ImageCount * DiskLayout.PageSize, migrateUs);
        Field(" log-pages=", logPages);
        Field(" check-us=", Checkpointer.Microseconds(Checkpointer.LastCheckCycles));
        Field(" pages=", pages);
        Log.WriteLine();
        return true;
    }

    /// <summary>Dirties up to <paramref name="pageCount"/> pages and their nodes from the ranges' ends; returns how many objects.</summary>
    private static uint DirtyObjects(RangeDescriptor* pages, RangeDescriptor* nodes, uint pageCount, ulong stamp)
    {
        uint nodeCount = System.Math.Min(NodesFor(pageCount), Spare(nodes));
        uint count = pageCount + nodeCount;
        uint done = 0;
        for (uint k = 0; k < nodeCount; k++, done++)
        {
            Oid oid = new(nodes->FirstOid.Value + nodes->OidCount - 1 - k);
            if (Cache.GetNode(oid, out ObjectHeader* frame) != CacheResult.Ok || !Cache.MarkDirty(frame))
            {
                return done;
            }

            *Node.Slot(Cache.NodeBody(frame), Node.SlotCount - 1) = Key.Number((uint)stamp, k, 0);
        }

        for (uint k = 0; done < count && k < Spare(pages); k++, done++)
        {
            Oid oid = new(pages->FirstOid.Value + pages->OidCount - 1 - k);
            if (Cache.GetPage(oid, out ObjectHeader* frame) != CacheResult.Ok || !Cache.MarkDirty(frame))
            {
                return done;
            }

            ulong* words = (ulong*)Cache.PageData(frame);
            for (int j = 0; j < DiskLayout.PageSize / 8; j++)
            {
                words[j] = (oid.Value * 0x9E3779B97F4A7C15UL) ^ (stamp << 32) ^ (ulong)j;
            }
        }

        return done;
    }

    /// <summary>OIDs taken from a range's end: all but the first <see cref="Kept"/> (the mutator's structure).</summary>
    private static uint Spare(RangeDescriptor* range) => range->OidCount > Kept ? (uint)range->OidCount - Kept : 0;

    private static RangeDescriptor* Range(VolumeHeader* volume, RangeKind kind)
    {
        for (int i = 0; i < (int)volume->RangeCount; i++)
        {
            RangeDescriptor* range = VolumeHeader.Range(volume, i);
            if (range->Kind == kind)
            {
                return range;
            }
        }

        return null;
    }

    private static void Field(string name, ulong value)
    {
        Log.Write(name);
        Log.WriteDecimal(value);
    }

    /// <summary>Bytes per microsecond = MB/s, with one decimal.</summary>
    private static void Rate(string name, ulong bytes, ulong microseconds)
    {
        ulong tenths = microseconds == 0 ? 0 : bytes * 10 / microseconds;
        Log.Write(name);
        Log.WriteDecimal(tenths / 10);
        Log.Write(".");
        Log.WriteDecimal(tenths % 10);
    }
}
