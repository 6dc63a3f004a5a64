using System;
using CapOS.Kernel.Checkpoint;
using CapOS.Kernel.DiskFormat;
using Xunit;

namespace CapOS.Kernel.Tests.Checkpoint;

public sealed unsafe class MigratorTests
{
    [Fact]
    public void RecoveryRedoesAnInterruptedMigrationFromTheStart()
    {
        var (disk, model) = CommittedNotMigrated();
        using var rig = new WriterTestRig(disk);
        Assert.Equal(2ul, rig.Recover(finishMigration: false));
        Assert.Equal(MigrationPhase.ReadingDirectory, Migrator.Phase);
        Assert.Equal(CheckpointError.WrongPhase, Migrator.Start());
        Assert.True(Migrator.RunToCompletion());
        Assert.True(Generation.Migrated);
        Assert.Equal(CheckpointError.WrongPhase, Migrator.Start());
        WriterTests.AssertRecovers(rig.Disk.Image, model, 2, migrated: true);
    }

    [Fact]
    public void ALogImageWithABadCrcStopsMigrationBeforeItReachesHome()
    {
        var (disk, _) = CommittedNotMigrated();
        fixed (byte* image = disk)
        {
            var header = CurrentHeader(image);
            uint lid = header->LogAreaFirst;
            image[((CheckpointTestVolume.LogFirstPage + lid) * DiskLayout.PageSize) + 100] ^= 0x5A;
        }

        byte[] before = (byte[])disk.Clone();
        using var rig = new WriterTestRig(disk);
        rig.Recover(finishMigration: false);
        Assert.False(Migrator.RunToCompletion());
        Assert.Equal(CheckpointError.BadImage, Migrator.Error);
        Assert.False(Generation.Migrated);
        int homeBytes = (int)(CheckpointTestVolume.LogFirstPage * DiskLayout.PageSize);
        int changed = 0;
        for (int page = 0; page < homeBytes / DiskLayout.PageSize; page++)
        {
            changed += before.AsSpan(page * DiskLayout.PageSize, DiskLayout.PageSize).SequenceEqual(rig.Disk.Image.AsSpan(page * DiskLayout.PageSize, DiskLayout.PageSize)) ? 0 : 1;
        }

        Assert.True(changed < Migrator.Slots, $"{changed} home pages written after the bad image was read");
        Assert.True(WriterTestScript.SlotPage(before, 0).AsSpan().SequenceEqual(WriterTestScript.SlotPage(rig.Disk.Image, 0)));
        Assert.True(WriterTestScript.SlotPage(before, 1).AsSpan().SequenceEqual(WriterTestScript.SlotPage(rig.Disk.Image, 1)));
    }

    [Fact]
    public void AStaleDirectoryPageStopsMigration()
    {
        var (disk, _) = CommittedNotMigrated();
        fixed (byte* image = disk)
        {
            var header = CurrentHeader(image);
            var page = (DirectoryPage*)(image + ((CheckpointTestVolume.LogFirstPage + header->DirectoryFirst) * DiskLayout.PageSize));
            page->Sequence--;
            PageSeal.Seal((byte*)page);
        }

        using var rig = new WriterTestRig(disk);
        rig.Recover(finishMigration: false);
        Assert.False(Migrator.RunToCompletion());
        Assert.Equal(CheckpointError.BadDirectory, Migrator.Error);
    }

    [Fact]
    public void ConsecutiveImagesAreCopiedInRuns()
    {
        var (disk, model) = CommittedNotMigrated();
        using var rig = new WriterTestRig(disk);
        rig.Recover(finishMigration: false);
        long reads = rig.Disk.ReadCount;
        long writes = rig.Disk.WriteCount;
        CheckpointStats before = CheckpointWriter.Stats;
        Assert.True(Migrator.RunToCompletion());
        CheckpointStats after = CheckpointWriter.Stats;
        ulong homePages = after.HomePagesWritten - before.HomePagesWritten;
        ulong logPages = after.LogPagesRead - before.LogPagesRead;
        long homeWrites = rig.Disk.WriteCount - writes - 1;
        Assert.True(homePages > 1, $"{homePages} home pages");
        Assert.True((ulong)homeWrites < homePages, $"{homeWrites} home writes for {homePages} pages: no run of consecutive images");
        Assert.True((ulong)(rig.Disk.ReadCount - reads) < logPages, $"{rig.Disk.ReadCount - reads} reads for {logPages} log pages");
        WriterTests.AssertRecovers(rig.Disk.Image, model, 2, migrated: true);
    }

    private static CheckpointHeader* CurrentHeader(byte* image)
    {
        var slot0 = (CheckpointHeader*)(image + (CheckpointTestVolume.LogFirstPage * DiskLayout.PageSize));
        var slot1 = slot0 + 1;
        return slot1->Sequence > slot0->Sequence ? slot1 : slot0;
    }

    /// <summary>A disk whose checkpoint 2 is committed and not migrated at all.</summary>
    private static (byte[] Disk, WriterTestModel Model) CommittedNotMigrated()
    {
        var model = new WriterTestModel();
        model.Mutate(new Random(17), 25);
        using var rig = new WriterTestRig(CheckpointTestVolume.Build());
        rig.Recover();
        rig.StartCheckpoint(model);
        WriterTestRig.PumpWriter();
        Assert.Equal(2ul, Generation.Sequence);
        Assert.False(Generation.Migrated);
        return ((byte[])rig.Disk.Image.Clone(), model);
    }
}
