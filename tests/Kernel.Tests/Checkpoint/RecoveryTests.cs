using System;
using CapOS.Kernel.Checkpoint;
using CapOS.Kernel.DiskFormat;
using CapOS.Kernel.Host;
using CapOS.Kernel.NodeTree;
using CapOS.Kernel.ObjectCache;
using Xunit;

namespace CapOS.Kernel.Tests.Checkpoint;

public sealed unsafe class RecoveryTests
{
    private const int PageSize = DiskLayout.PageSize;

    private static VolumeBuilder Sample()
    {
        var builder = new VolumeBuilder();
        builder.Page(builder.PageOid(1), Fill(1), 3).LogPage(builder.PageOid(2), Fill(2), 4);
        builder.LogNode(builder.NodeOid(0), new VolumeBuilder.NodeModel { AllocCount = 7 });
        return builder;
    }

    private static byte[] Fill(byte value)
    {
        var data = new byte[PageSize];
        Array.Fill(data, value);
        return data;
    }

    [Fact]
    public void RecoversAFreshVolumeAndSaysWhichCheckpoint()
    {
        using SimulatedMachine machine = TestStore.Machine();
        VolumeBuilder builder = Sample();
        builder.RestartCount = 2;
        RecoveryResult result = TestStore.Recover(builder.Build());
        Assert.Equal(RecoveryFault.None, result.Fault);
        Assert.Contains($"store: volume pages={builder.VolumePages} ranges=3\n", machine.ConsoleText);
        Assert.Contains("checkpoint: recovered seq=1 slot=0 log-objects=3 restart=2\n", machine.ConsoleText);
        Assert.DoesNotContain("copy used", machine.ConsoleText);
        Assert.Equal(3u, CheckpointDirectory.Count);
        Assert.Equal(0, Store.ChosenSlot);
        Assert.Equal(1ul, Store.Header->Sequence);
    }

    [Fact]
    public void ADamagedLogImageRefusesTheBootNamingTheObject()
    {
        using SimulatedMachine machine = TestStore.Machine();
        VolumeBuilder builder = Sample();
        byte[] image = builder.Build();
        uint lid = builder.LidOf(builder.PageOid(2), ObType.Page)!.Value;
        image[(builder.DiskPageOfLid(lid) * PageSize) + 77] ^= 0x10;
        _ = new SimulatedDisk(image);

        var halt = Assert.Throws<MachineHaltedException>(() => Store.Boot(TestStore.MemoryAt, TestStore.MemoryBytes, 8, 8));

        Assert.Equal(Store.CannotBootExitCode, halt.ExitCode); // Recovery I2: never resumed on silently
        Assert.EndsWith($"store: cannot boot: checkpoint 1 slot 0: log image of page 0x1002 at LID {lid} fails its CRC; "
            + "its migration may have begun, so no older checkpoint is consistent\n", machine.ConsoleText);
    }

    [Fact]
    public void AGarbageReadOfALogImageIsReadAgainBeforeItIsJudged()
    {
        using SimulatedMachine machine = TestStore.Machine();
        VolumeBuilder builder = Sample();
        var disk = new SimulatedDisk(builder.Build());
        disk.GarbageRead = disk.ReadCount + 5; // lands among the verification's reads (after headers and directory)

        RecoveryResult result = Store.Recover(TestStore.MemoryAt, TestStore.MemoryBytes, 8, 8);

        Assert.Equal(RecoveryFault.None, result.Fault); // Recovery I1 for images too
    }

    [Fact]
    public void NoDiskStopsWithExitCodeFour()
    {
        using SimulatedMachine machine = TestStore.Machine();
        var halt = Assert.Throws<MachineHaltedException>(() => Store.Boot(TestStore.MemoryAt, TestStore.MemoryBytes, 8, 8));
        Assert.Equal(Store.CannotBootExitCode, halt.ExitCode);
        Assert.EndsWith("store: cannot boot: no disk\n", machine.ConsoleText);
    }

    [Fact]
    public void DiskTooSmallForAPageIsAReadError()
    {
        using SimulatedMachine machine = TestStore.Machine();
        RecoveryResult result = TestStore.Recover(new byte[4 * 512]);
        Assert.Equal(RecoveryFault.DiskError, result.Fault);
        Assert.Contains("store: cannot boot: disk read error (bad request) at page 0", machine.ConsoleText);
    }

    [Fact]
    public void DamagedVolumeHeaderUsesTheCopyAndSaysSo()
    {
        using SimulatedMachine machine = TestStore.Machine();
        byte[] image = Sample().Build();
        image[100] ^= 0x01;
        RecoveryResult result = TestStore.Recover(image);
        Assert.Equal(RecoveryFault.None, result.Fault);
        Assert.Contains("store: volume header copy used (page 0: volume header: CRC mismatch)\n", machine.ConsoleText);
        Assert.Contains("checkpoint: recovered seq=1", machine.ConsoleText);
    }

    [Fact]
    public void BothVolumeHeadersDamagedRefusesNamingBothFaults()
    {
        using SimulatedMachine machine = TestStore.Machine();
        byte[] image = Sample().Build();
        image[100] ^= 0x01;
        Array.Clear(image, PageSize, PageSize);
        var halt = Assert.Throws<MachineHaltedException>(() =>
        {
            _ = new SimulatedDisk(image);
            Store.Boot(TestStore.MemoryAt, TestStore.MemoryBytes, 8, 8);
        });
        Assert.Equal(4, halt.ExitCode);
        Assert.Contains("store: cannot boot: page 0: volume header: CRC mismatch; page 1: volume header: bad magic (not a CapOS volume)\n", machine.ConsoleText);
        Assert.DoesNotContain("checkpoint: recovered", machine.ConsoleText);
    }

    [Fact]
    public void NoValidCheckpointHeaderRefuses()
    {
        using SimulatedMachine machine = TestStore.Machine();
        VolumeBuilder builder = Sample();
        byte[] image = builder.Build();
        image[(builder.DiskPageOfLid(0) * PageSize) + 20] ^= 0x40;
        RecoveryResult result = TestStore.Recover(image);
        Assert.Equal(RecoveryFault.NoValidCheckpoint, result.Fault);
        Assert.Contains("store: cannot boot: no valid checkpoint header (LID 0: checkpoint header: CRC mismatch; LID 1: checkpoint header: bad magic)\n", machine.ConsoleText);
    }

    [Fact]
    public void ForeignVolumeHeaderIsNeverTrusted()
    {
        using SimulatedMachine machine = TestStore.Machine();
        VolumeBuilder builder = Sample();
        byte[] image = builder.Build();
        ResealHeader(image, builder.DiskPageOfLid(0), header => header->VolumeId ^= 1);
        RecoveryResult result = TestStore.Recover(image);
        Assert.Equal(RecoveryFault.NoValidCheckpoint, result.Fault);
        Assert.Equal(FormatError.CheckpointForeignVolume, result.Error);
        Assert.Contains("LID 0: checkpoint header: belongs to another volume", machine.ConsoleText);
    }

    [Fact]
    public void DamagedDirectoryPageRefusesEvenWithAnOlderHeader()
    {
        using SimulatedMachine machine = TestStore.Machine();
        VolumeBuilder builder = Sample();
        builder.Sequence = 9;
        builder.Slot = 1;
        builder.OlderHeaderInOtherSlot = true;
        byte[] image = builder.Build();
        image[(builder.DiskPageOfLid(builder.DirectoryFirst) * PageSize) + 40] ^= 0x10;
        RecoveryResult result = TestStore.Recover(image);
        Assert.Equal(RecoveryFault.DirectoryInvalid, result.Fault);
        Assert.Contains("store: cannot boot: checkpoint 9 slot 1: directory page 0: directory page: CRC mismatch\n", machine.ConsoleText);
        Assert.Equal(-1, Store.ChosenSlot);
    }

    [Fact]
    public void StaleDirectoryPageOfAnotherCheckpointIsRefused()
    {
        using SimulatedMachine machine = TestStore.Machine();
        VolumeBuilder builder = Sample();
        byte[] image = builder.Build();
        Reseal(image, builder.DiskPageOfLid(builder.DirectoryFirst), page => ((DirectoryPage*)page)->Sequence = 0);
        Assert.Equal(RecoveryFault.DirectoryInvalid, TestStore.Recover(image).Fault);
        Assert.Contains("directory page: belongs to another checkpoint", machine.ConsoleText);
    }

    [Theory]
    [InlineData(0, 5, 1, 4, false, false, 0)]
    [InlineData(1, 5, 0, 4, false, false, 1)]
    [InlineData(1, 5, 0, 4, true, false, 0)]
    [InlineData(0, 5, 1, 5, false, true, 1)]
    public void ChoosesTheNewestValidHeader(int newSlot, ulong newSequence, int otherSlot, ulong otherSequence, bool damageNew, bool otherMigrated, int expected)
    {
        using SimulatedMachine machine = TestStore.Machine();
        VolumeBuilder builder = Sample();
        builder.Sequence = newSequence;
        builder.Slot = newSlot;
        byte[] image = builder.Build();
        WriteHeaderCopy(image, builder, newSlot, otherSlot, otherSequence, otherMigrated);
        if (damageNew)
        {
            image[(builder.DiskPageOfLid((uint)newSlot) * PageSize) + 16] ^= 0xFF;
        }

        RecoveryResult result = TestStore.Recover(image);
        Assert.Equal(RecoveryFault.None, result.Fault);
        Assert.Equal(expected, result.Slot);
        ulong sequence = expected == newSlot ? newSequence : otherSequence;
        Assert.Contains($"checkpoint: recovered seq={sequence} slot={expected} ", machine.ConsoleText);
        Assert.Equal(otherMigrated && expected == otherSlot, result.Migrated);
    }

    [Fact]
    public void MigratedCheckpointReadsNoDirectoryAndEverythingFromHome()
    {
        using SimulatedMachine machine = TestStore.Machine();
        VolumeBuilder builder = Sample();
        builder.Migrated = true;
        byte[] image = builder.Build();
        image[(builder.DiskPageOfLid(builder.DirectoryFirst) * PageSize) + 40] ^= 0x10;
        RecoveryResult result = TestStore.Recover(image);
        Assert.Equal(RecoveryFault.None, result.Fault);
        Assert.Contains("checkpoint: recovered seq=1 slot=0 log-objects=0 restart=0\n", machine.ConsoleText);
        Assert.Equal(0u, CheckpointDirectory.Count);
        Assert.Equal(CacheResult.Ok, Cache.GetPage(builder.PageOid(2), out ObjectHeader* page));
        Assert.Equal(2, Cache.PageData(page)[0]);
        Assert.Equal(4u, page->AllocCount);
        Assert.Equal(1ul, Cache.Statistics.LoadsFromHome);
    }

    [Fact]
    public void TooLittleMemoryRefuses()
    {
        using SimulatedMachine machine = TestStore.Machine();
        _ = new SimulatedDisk(Sample().Build());
        RecoveryResult result = Store.Recover(TestStore.MemoryAt, 6 * PageSize, 64, 64);
        Assert.Equal(RecoveryFault.OutOfMemory, result.Fault);
        Assert.Contains("store: cannot boot: not enough memory", machine.ConsoleText);
    }

    [Fact]
    public void FrameCountsAreChosenFromMemoryWhenNotGiven()
    {
        using SimulatedMachine machine = TestStore.Machine();
        _ = new SimulatedDisk(Sample().Build());
        Assert.Equal(RecoveryFault.None, Store.Recover(TestStore.MemoryAt, TestStore.MemoryBytes, 0, 0).Fault);
        Assert.InRange(Cache.PageFrameCount, 1000u, 2048u);
        Assert.InRange(Cache.NodeFrameCount, 1000u, 2048u);
    }

    private static void WriteHeaderCopy(byte[] image, VolumeBuilder builder, int fromSlot, int toSlot, ulong sequence, bool migrated)
    {
        int from = checked((int)(builder.DiskPageOfLid((uint)fromSlot) * PageSize));
        int to = checked((int)(builder.DiskPageOfLid((uint)toSlot) * PageSize));
        Array.Copy(image, from, image, to, PageSize);
        Reseal(image, builder.DiskPageOfLid((uint)toSlot), page =>
        {
            var header = (CheckpointHeader*)page;
            header->Sequence = sequence;
            header->Flags = migrated ? CheckpointFlags.Migrated : CheckpointFlags.None;
            if (sequence != builder.Sequence)
            {
                header->LogAreaCount = 0;
                header->DirectoryEntryCount = 0;
                header->DirectoryPageCount = 0;
            }
        });
    }

    private static void Reseal(byte[] image, ulong diskPage, Action<nint> change)
    {
        fixed (byte* p = &image[diskPage * PageSize])
        {
            change((nint)p);
            PageSeal.Seal(p);
        }
    }

    private static void ResealHeader(byte[] image, ulong diskPage, HeaderChange change)
    {
        fixed (byte* p = &image[diskPage * PageSize])
        {
            change((CheckpointHeader*)p);
            PageSeal.Seal(p);
        }
    }

    private delegate void HeaderChange(CheckpointHeader* header);
}
