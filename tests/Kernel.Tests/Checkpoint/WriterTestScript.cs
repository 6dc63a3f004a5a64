using System;
using System.Collections.Generic;
using CapOS.Kernel.Checkpoint;
using CapOS.Kernel.DiskFormat;
using CapOS.Kernel.Host;
using Xunit;

namespace CapOS.Kernel.Tests.Checkpoint;

/// <summary>
/// A scripted run of checkpoints (each after a number of random mutations) with the record
/// the crash tests' oracle needs: for each committed sequence, the disk write number of its
/// header write (the commit is observed when the flush after it completes, and no other write
/// happens in between), the header's bytes and slot, and the objects it holds.
/// </summary>
internal sealed class WriterTestScript(int seed, int[] mutations)
{
    public Dictionary<ulong, long> HeaderWrite { get; } = [];

    public Dictionary<ulong, byte[]> HeaderBytes { get; } = [];

    public Dictionary<ulong, int> HeaderSlot { get; } = [];

    public Dictionary<ulong, WriterTestModel> Expected { get; } = [];

    public long TotalWrites { get; private set; }

    /// <summary>
    /// Recovers <paramref name="rig"/>'s disk, then runs the script from <paramref name="start"/>
    /// (the objects of the recovered checkpoint). A power cut escapes as PowerLossException
    /// with the record so far intact.
    /// </summary>
    public void Run(WriterTestRig rig, WriterTestModel start)
    {
        ulong first = rig.Recover(finishMigration: false);
        var model = start.Clone();
        Expected[first] = model.Clone();
        var random = new Random(seed);
        foreach (int count in mutations)
        {
            model.Mutate(random, count);
            var expected = model.Clone();
            rig.StartCheckpoint(model);
            WriterTestRig.PumpWriter();
            Assert.Equal(CheckpointPhase.Idle, CheckpointWriter.Phase);
            Record(rig, expected);
        }

        WriterTestRig.PumpMigration();
        TotalWrites = rig.Disk.WriteCount;
    }

    private void Record(WriterTestRig rig, WriterTestModel expected)
    {
        ulong sequence = Generation.Sequence;
        HeaderWrite[sequence] = rig.Disk.WriteCount;
        HeaderSlot[sequence] = Generation.Slot;
        HeaderBytes[sequence] = SlotPage(rig.Disk.Image, Generation.Slot);
        Expected[sequence] = expected;
    }

    /// <summary>The 4096 bytes of header slot <paramref name="slot"/> in <paramref name="disk"/>.</summary>
    public static byte[] SlotPage(byte[] disk, int slot) =>
        disk.AsSpan((int)((CheckpointTestVolume.LogFirstPage + (ulong)slot) * DiskLayout.PageSize), DiskLayout.PageSize).ToArray();

    /// <summary>
    /// The checkpoint recovery must find after the power was cut right after write
    /// <paramref name="cut"/>: the newest whose header write came before the cut, or the one
    /// whose header write was the cut write itself if all its bytes reached the slot
    /// (a torn or dropped header write is caught by the header's CRC).
    /// </summary>
    public ulong ExpectedAfterCut(long cut, byte[] surviving, ulong first)
    {
        ulong best = first;
        foreach (var (sequence, write) in HeaderWrite)
        {
            bool landed = write == cut && SlotPage(surviving, HeaderSlot[sequence]).AsSpan().SequenceEqual(HeaderBytes[sequence]);
            if ((write < cut || landed) && sequence > best)
            {
                best = sequence;
            }
        }

        return best;
    }

    private static T Attempt<T>(long cut, string what, Func<T> action)
    {
        try
        {
            return action();
        }
        catch (Xunit.Sdk.XunitException e)
        {
            throw new Xunit.Sdk.XunitException($"cut after write {cut}, {what}: {e.Message}");
        }
    }

    /// <summary>
    /// Runs the script with the power cut after write <paramref name="cut"/> (disk configured by
    /// <paramref name="configure"/>), then checks recovery: the chosen checkpoint is exactly the one
    /// the record predicts, its objects are the expected ones read the way recovery reads them, and
    /// again after re-migration, and one more checkpoint then commits and migrates correctly.
    /// </summary>
    public (byte[] Disk, WriterTestModel Model) CheckCut(byte[] image, WriterTestModel start, long cut, Action<SimulatedDisk> configure, bool continueAfter)
    {
        byte[] surviving;
        using (var rig = new WriterTestRig((byte[])image.Clone(), disk => { disk.PowerCutAfterWrite = cut; configure(disk); }))
        {
            var run = new WriterTestScript(seed, mutations);
            Assert.Throws<PowerLossException>(() => run.Run(rig, start));
            surviving = rig.Disk.SurvivingImage();
        }

        ulong s0 = 0;
        Attempt(cut, "reading the fresh disk", () => WriterTestOracle.Read(image, out s0, out _));
        ulong first = s0;
        ulong expected = ExpectedAfterCut(cut, surviving, first);
        ulong chosen = 0;
        bool chosenMigrated = false;
        WriterTestModel seen = Attempt(cut, "reading the surviving disk", () => WriterTestOracle.Read(surviving, out chosen, out chosenMigrated));
        Assert.True(expected == chosen, $"cut after write {cut}: recovered {chosen}, expected {expected}");
        Assert.True(Expected[expected].SameObjects(seen, out string why), $"cut after write {cut}: {why}");
        StoreView.AssertRecovers(surviving, Expected[expected], expected, $"cut after write {cut}");
        using var reboot = new WriterTestRig(surviving);
        Assert.Equal(expected, reboot.Recover());
        bool isMigrated = false;
        WriterTestModel migrated = Attempt(cut, "reading after re-migration", () => WriterTestOracle.Read(reboot.Disk.Image, out _, out isMigrated));
        Assert.True(isMigrated, $"cut after write {cut}: not migrated after recovery");
        Assert.True(Expected[expected].SameObjects(migrated, out why), $"cut after write {cut}, after re-migration: {why}");
        if (continueAfter)
        {
            var model = Expected[expected].Clone();
            model.Mutate(new Random((int)cut), 10);
            reboot.StartCheckpoint(model);
            WriterTestRig.PumpWriter();
            WriterTestRig.PumpMigration();
            WriterTests.AssertRecovers(reboot.Disk.Image, model, expected + 1, migrated: true);
            return ((byte[])reboot.Disk.Image.Clone(), model);
        }

        return ((byte[])reboot.Disk.Image.Clone(), Expected[expected].Clone());
    }
}
