using System;
using System.IO;
using System.Linq;
using CapOS.Harness;
using CapOS.Kernel.DiskFormat;
using CapOS.Launcher.Plug;
using CapOS.Launcher.Plug.Disk;
using Xunit;

namespace CapOS.Launcher.Tests.Plug.Disk;

public class CrashHeadersTests
{
    private static readonly byte[] Boot = TestVolume.Create(slot0: 7, slot1: 6, migrated1: false);

    private static byte[] BootSlots => Boot.AsSpan(2 * DiskLayout.PageSize, 2 * DiskLayout.PageSize).ToArray();

    /// <summary>A checkpoint's writes as the kernel makes them: log area, flush, header 8 into slot 1, flush,
    /// migration home, flush, the Migrated copy of 8 into slot 0, flush; then header 9's log writes and header.</summary>
    private static LogWritesLog Commits() =>
        LogWritesReader.Read(new LogWritesBuilder()
            .Write(32, 0x21, 8).Flush()                                   // 0, 1
            .WriteBytes(TestVolume.SlotSector(1), TestVolume.Header(8)).Flush()        // 2, 3: seq 8 durable
            .Write(96, 0x31, 8).Flush()                                   // 4, 5: migration
            .WriteBytes(TestVolume.SlotSector(0), TestVolume.Header(8, migrated: true)).Flush()   // 6, 7
            .Write(40, 0x22, 8).Flush()                                   // 8, 9
            .WriteBytes(TestVolume.SlotSector(1), TestVolume.Header(9))    // 10: header 9, no flush yet
            .Build());

    [Fact]
    public void AFlushedHeaderIsTheFloor()
    {
        LogWritesLog log = Commits();

        Assert.Equal(8, CrashHeaders.After(TestVolume.Geometry, BootSlots, log, new CrashPlan(3, 4, 0, [])).Newest);
        Assert.Equal(7, CrashHeaders.After(TestVolume.Geometry, BootSlots, log, new CrashPlan(1, 3, 1, [])).Newest);
    }

    [Fact]
    public void AnUnflushedHeaderCountsOnlyIfTheTailKeepsItWhole()
    {
        LogWritesLog log = Commits();

        Assert.Equal(8, CrashHeaders.After(TestVolume.Geometry, BootSlots, log, new CrashPlan(9, 11, 1, [])).Newest);
        Assert.Equal(9, CrashHeaders.After(TestVolume.Geometry, BootSlots, log, new CrashPlan(9, 11, 1, [new CrashWrite(10)])).Newest);
        DiskHeaders torn = CrashHeaders.After(TestVolume.Geometry, BootSlots, log, new CrashPlan(9, 11, 1, [new CrashWrite(10, [0, 2, 5])]));
        Assert.Equal(8, torn.Newest);
        Assert.False(torn.Slot1.Valid);
        Assert.True(torn.Slot0.Migrated);
    }

    [Fact]
    public void TheLogAndTheBuiltCrashImageAgreeOverManySeeds()
    {
        LogWritesLog log = Commits();
        for (ulong seed = 0; seed < 300; seed++)
        {
            foreach (CrashPlan plan in CrashPlanner.ChooseStates(log, new SplitMix64(seed), 4))
            {
                byte[] image = (byte[])Boot.Clone();
                CrashImageBuilder.Apply(new MemoryStream(image), log, plan);

                DiskHeaders fromImage = DiskHeaders.Read(new MemoryStream(image), TestVolume.Geometry);
                DiskHeaders fromLog = CrashHeaders.After(TestVolume.Geometry, BootSlots, log, plan);

                Assert.Equal(fromImage, fromLog);
            }
        }
    }

    [Fact]
    public void ThePhaseIsWhereTheLastIssuedWriteWent()
    {
        LogWritesLog log = Commits();

        Assert.Equal(CheckpointPhase.Idle, CrashPhase.Of(TestVolume.Geometry, log, new CrashPlan(-1, 0, 0, [])));
        Assert.Equal(CheckpointPhase.Stabilize, CrashPhase.Of(TestVolume.Geometry, log, new CrashPlan(-1, 1, 1, [])));
        Assert.Equal(CheckpointPhase.Commit, CrashPhase.Of(TestVolume.Geometry, log, new CrashPlan(1, 3, 1, [])));
        Assert.Equal(CheckpointPhase.Migrate, CrashPhase.Of(TestVolume.Geometry, log, new CrashPlan(3, 5, 1, [])));
        Assert.Equal(CheckpointPhase.Idle, CrashPhase.Of(TestVolume.Geometry, log, new CrashPlan(5, 7, 1, [])));
        Assert.Equal(CheckpointPhase.Commit, CrashPhase.Of(TestVolume.Geometry, log, new CrashPlan(9, 11, 1, [])));
    }

    [Fact]
    public void StatesOfARealisticLogLandInEveryPhase()
    {
        LogWritesLog log = Commits();

        var phases = Enumerable.Range(0, 200)
            .SelectMany(s => CrashPlanner.ChooseStates(log, new SplitMix64((ulong)s), 4))
            .Select(p => CrashPhase.Of(TestVolume.Geometry, log, p)).ToHashSet();

        Assert.Equal([CheckpointPhase.Idle, CheckpointPhase.Stabilize, CheckpointPhase.Commit, CheckpointPhase.Migrate], phases.Order());
    }
}
