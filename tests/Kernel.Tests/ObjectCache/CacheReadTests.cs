using System;
using CapOS.Kernel.Checkpoint;
using CapOS.Kernel.NodeTree;
using CapOS.Kernel.ObjectCache;
using CapOS.Kernel.Tests.Checkpoint;
using Xunit;

namespace CapOS.Kernel.Tests.ObjectCache;

/// <summary>
/// Asynchronous object faults at the cache (Cache I12, I13; docs/object-cache.md "Asynchronous faults"), over a
/// simulated disk that holds reads until the test completes them.
/// </summary>
public sealed unsafe class CacheReadTests
{
    private const int Pages = 24;

    [Fact]
    public void ASecondFaultJoinsTheReadInFlight()
    {
        using var rig = Rig(out VolumeBuilder builder);
        long reads = rig.Disk.ReadCount;
        Oid oid = builder.PageOid(3);

        Assert.Equal(CacheResult.Pending, Cache.Get(ObType.Page, oid, FaultMode.Asynchronous, out ObjectHeader* frame));
        int slot = Cache.LastPendingRead;
        Assert.True(frame == null && Cache.Lookup(oid) == null);
        Assert.Equal(ReadState.Reading, Cache.ReadStateOf(slot));
        Assert.Equal(1, Reserved());
        Assert.Equal(CacheResult.Pending, Cache.Get(ObType.Page, oid, FaultMode.Asynchronous, out _));
        Assert.Equal(slot, Cache.LastPendingRead);
        Assert.Equal(1, rig.Disk.HeldReadCount); // I12: no second read
        Assert.Equal(1UL, Cache.Statistics.Joins);
        Assert.Equal(0, Cache.CompleteReads()); // nothing completed yet: still pending

        Assert.Equal(1, rig.Disk.CompleteHeldReads());
        Assert.Equal(1, Cache.CompleteReads());
        Assert.Equal(reads + 1, rig.Disk.ReadCount);
        Assert.Equal(ReadState.Free, Cache.ReadStateOf(slot));
        Assert.Equal(0, Reserved());
        Assert.Equal(CacheResult.Ok, Cache.Get(ObType.Page, oid, FaultMode.Asynchronous, out frame));
        Assert.Equal(Content(3), Cache.PageData(frame)[100]);
    }

    [Fact]
    public void ASynchronousFaultWaitsForTheReadInFlight()
    {
        using var rig = Rig(out VolumeBuilder builder);
        Oid oid = builder.PageOid(5);
        Assert.Equal(CacheResult.Pending, Cache.Get(ObType.Page, oid, FaultMode.Asynchronous, out _));
        long reads = rig.Disk.ReadCount;

        Assert.Equal(CacheResult.Ok, Cache.GetPage(oid, out ObjectHeader* frame)); // waits (the disk's Wait completes held reads)
        Assert.Equal(reads + 1, rig.Disk.ReadCount); // the read in flight, not a second one
        Assert.Equal(0, Cache.ReadsInFlight);
        Assert.Equal(Content(5), Cache.PageData(frame)[0]);
        Assert.Equal(1, Copies(oid)); // I3 / I12: installed once
    }

    [Fact]
    public void AGarbageReadIsReadAgainAndAFailedOneReachesTheRetry()
    {
        using var rig = Rig(out VolumeBuilder builder);
        rig.Disk.GarbageRead = rig.Disk.ReadCount + 1;
        Oid oid = builder.PageOid(7);
        Assert.Equal(CacheResult.Pending, Cache.Get(ObType.Page, oid, FaultMode.Asynchronous, out _));
        rig.Disk.CompleteHeldReads();
        Assert.Equal(0, Cache.CompleteReads()); // I7: the garbage failed its CRC and is read again
        Assert.Equal(1, rig.Disk.HeldReadCount);
        rig.Disk.CompleteHeldReads();
        Assert.Equal(1, Cache.CompleteReads());
        Assert.Equal(CacheResult.Ok, Cache.Get(ObType.Page, oid, FaultMode.Asynchronous, out ObjectHeader* frame));
        Assert.Equal(Content(7), Cache.PageData(frame)[4095]);

        Oid failing = builder.PageOid(8);
        rig.Disk.FailRead = rig.Disk.ReadCount + 1;
        Assert.Equal(CacheResult.Pending, Cache.Get(ObType.Page, failing, FaultMode.Asynchronous, out _));
        int slot = Cache.LastPendingRead;
        rig.Disk.CompleteHeldReads();
        Assert.Equal(1, Cache.CompleteReads());
        Assert.Equal(ReadState.Failed, Cache.ReadStateOf(slot));
        Assert.Equal(0, Reserved()); // the frame went back (I2)
        Assert.Equal(CacheResult.IoError, Cache.Get(ObType.Page, failing, FaultMode.Asynchronous, out _)); // I13: the retry gets it
        Assert.Equal(CapOS.Kernel.Io.DiskError.IoError, Cache.LastDiskError);
        Assert.Equal(ReadState.Free, Cache.ReadStateOf(slot));
        Assert.Equal(CacheResult.Pending, Cache.Get(ObType.Page, failing, FaultMode.Asynchronous, out _)); // a later fault reads again
        rig.Disk.CompleteHeldReads();
        Cache.CompleteReads();
        Assert.Equal(CacheResult.Ok, Cache.Get(ObType.Page, failing, FaultMode.Asynchronous, out _));
    }

    [Fact]
    public void AFullReadTableMakesAFaultWaitForTheOldestRead()
    {
        using var rig = Rig(out VolumeBuilder builder);
        for (int i = 0; i < Cache.ReadSlots; i++)
        {
            Assert.Equal(CacheResult.Pending, Cache.Get(ObType.Page, builder.PageOid((ulong)i), FaultMode.Asynchronous, out _));
        }

        int oldest = -1;
        for (int i = 0; i < Cache.ReadSlots; i++)
        {
            oldest = Cache.ReadOidOf(i) == builder.PageOid(0) ? i : oldest;
        }

        Oid late = builder.PageOid(Cache.ReadSlots);
        Assert.Equal(CacheResult.Pending, Cache.Get(ObType.Page, late, FaultMode.Asynchronous, out _));
        Assert.Equal(oldest, Cache.LastPendingRead); // I13: it waits for a slot, with no frame and no read
        Assert.Equal(Cache.ReadSlots, rig.Disk.HeldReadCount);
        Assert.Equal(Cache.ReadSlots, Reserved());

        rig.Disk.CompleteHeldRead(0);
        Assert.Equal(1, Cache.CompleteReads());
        Assert.Equal(CacheResult.Pending, Cache.Get(ObType.Page, late, FaultMode.Asynchronous, out _)); // now it starts its own
        Assert.Equal(Cache.ReadSlots, rig.Disk.HeldReadCount);
        rig.Disk.CompleteHeldReads();
        Assert.Equal(Cache.ReadSlots, Cache.CompleteReads());
        for (int i = 0; i <= Cache.ReadSlots; i++)
        {
            Assert.Equal(CacheResult.Ok, Cache.Get(ObType.Page, builder.PageOid((ulong)i), FaultMode.Asynchronous, out ObjectHeader* frame));
            Assert.Equal(Content(i), Cache.PageData(frame)[1]);
        }
    }

    [Fact]
    public void NodesAndTagPotsAreReadInStepsAndZeroPagesNeedNoRead()
    {
        using var rig = Rig(out VolumeBuilder builder);
        Oid node = builder.NodeOid(2);
        Assert.Equal(CacheResult.Pending, Cache.Get(ObType.Node, node, FaultMode.Asynchronous, out _));
        rig.Disk.CompleteHeldReads();
        Assert.Equal(1, Cache.CompleteReads());
        Assert.Equal(CacheResult.Ok, Cache.Get(ObType.Node, node, FaultMode.Asynchronous, out ObjectHeader* frame));
        Assert.Equal(42u, Node.Slot(Cache.NodeBody(frame), 3)->Word(0));

        Oid home = builder.PageOid(300); // not in the log: its cluster's tag pot first, then its home page
        TagPotCache.InvalidateAll();
        Assert.Equal(CacheResult.Pending, Cache.Get(ObType.Page, home, FaultMode.Asynchronous, out _));
        rig.Disk.CompleteHeldReads();
        Assert.Equal(0, Cache.CompleteReads()); // the tag pot arrived, the data page is read next
        Assert.Equal(1, rig.Disk.HeldReadCount);
        rig.Disk.CompleteHeldReads();
        Assert.Equal(1, Cache.CompleteReads());
        Assert.Equal(CacheResult.Ok, Cache.Get(ObType.Page, home, FaultMode.Asynchronous, out frame));
        Assert.Equal((byte)0xA5, Cache.PageData(frame)[9]);

        Oid zero = builder.PageOid(301); // tag pot cached now, a zero page: Ok at once
        Assert.Equal(CacheResult.Ok, Cache.Get(ObType.Page, zero, FaultMode.Asynchronous, out frame));
        Assert.Equal(0, rig.Disk.HeldReadCount);
    }

    /// <summary>Frames reserved for reads in flight.</summary>
    internal static int Reserved()
    {
        int count = 0;
        for (uint i = 0; i < Cache.PageFrameCount + Cache.NodeFrameCount; i++)
        {
            count += Cache.Header(i)->IsReserved ? 1 : 0;
        }

        return count;
    }

    /// <summary>Frames holding <paramref name="oid"/>.</summary>
    internal static int Copies(Oid oid)
    {
        int count = 0;
        for (uint i = 0; i < Cache.PageFrameCount + Cache.NodeFrameCount; i++)
        {
            count += !Cache.Header(i)->IsFree && Cache.Header(i)->Oid == oid ? 1 : 0;
        }

        return count;
    }

    private static byte Content(int index) => (byte)(0x40 + index);

    private static CheckpointerTestRig Rig(out VolumeBuilder builder)
    {
        builder = new VolumeBuilder(pageOids: 400, nodeOids: 100, logPages: 64);
        for (int i = 0; i < Pages; i++)
        {
            var data = new byte[4096];
            Array.Fill(data, Content(i));
            builder.LogPage(builder.PageOid((ulong)i), data);
        }

        builder.LogNode(builder.NodeOid(2), new VolumeBuilder.NodeModel().With(3, Key.Number(42, 0, 0)));
        var home = new byte[4096];
        Array.Fill(home, (byte)0xA5);
        builder.Page(builder.PageOid(300), home);
        var rig = new CheckpointerTestRig(builder.Build(), pageFrames: 32, nodeFrames: 32);
        Assert.Equal(CacheResult.Ok, Cache.GetPage(builder.PageOid(Pages - 1), out _)); // the cluster's tag pot is cached: one read per page
        rig.Disk.HoldReads = true;
        return rig;
    }
}
