using CapOS.Kernel.DiskFormat;
using CapOS.Kernel.Host;
using CapOS.Kernel.NodeTree;
using Xunit;

namespace CapOS.Kernel.Tests.DiskFormat;

public sealed unsafe class CheckpointHeaderTests
{
    private const uint LogPages = (uint)SampleVolume.LogPages;

    [Fact]
    public void ImagegenStyleFirstCheckpointIsValid()
    {
        using var machine = new SimulatedMachine();
        var h = (CheckpointHeader*)machine.MemoryBase;
        CheckpointHeader.Initialize(h, 1, SampleVolume.VolumeId);
        PageSeal.Seal((byte*)h);
        Assert.Equal(FormatError.None, CheckpointHeader.Validate(h, SampleVolume.VolumeId, LogPages));
        Assert.Equal(300000u, h->CheckpointIntervalMs);
        Assert.Equal(65u, h->LogThresholdPercent);
    }

    [Fact]
    public void RestartListAndDirectoryRoundTrip()
    {
        using var machine = new SimulatedMachine();
        var h = (CheckpointHeader*)machine.MemoryBase;
        Fill(h);
        Assert.Equal(FormatError.None, CheckpointHeader.Validate(h, SampleVolume.VolumeId, LogPages));
        Assert.Equal(new Oid(0x100001), CheckpointHeader.Restart(h, 1)->Oid);
        Assert.Equal(4u, CheckpointHeader.Restart(h, 1)->AllocCount);
    }

    [Fact]
    public void EveryFlippedByteIsDetected()
    {
        using var machine = new SimulatedMachine();
        var h = (CheckpointHeader*)machine.MemoryBase;
        Fill(h);
        Assert.Equal(-1, SampleVolume.FirstUndetectedFlip((byte*)h, () => CheckpointHeader.Validate(h, SampleVolume.VolumeId, LogPages) == FormatError.None));
    }

    [Fact]
    public void Errors()
    {
        using var machine = new SimulatedMachine();
        var h = (CheckpointHeader*)machine.MemoryBase;
        Assert.Equal(FormatError.CheckpointBadMagic, CheckpointHeader.Validate(h, SampleVolume.VolumeId, LogPages));
        Fill(h);
        ((byte*)h)[64] ^= 1;
        Assert.Equal(FormatError.CheckpointBadCrc, CheckpointHeader.Validate(h, SampleVolume.VolumeId, LogPages));
        Assert.Equal(FormatError.CheckpointBadVersion, Mutate(h, () => h->FormatVersion = 0));
        Assert.Equal(FormatError.CheckpointBadSequence, Mutate(h, () => h->Sequence = 0));
        Assert.Equal(FormatError.CheckpointForeignVolume, Mutate(h, () => h->VolumeId++));
        Assert.Equal(FormatError.CheckpointBadFlags, Mutate(h, () => h->Flags = (CheckpointFlags)2));
        Assert.Equal(FormatError.CheckpointBadLogArea, Mutate(h, () => h->LogAreaFirst = 1));
        Assert.Equal(FormatError.CheckpointBadLogArea, Mutate(h, () => h->LogAreaFirst = LogPages));
        Assert.Equal(FormatError.CheckpointBadLogArea, Mutate(h, () => h->LogAreaCount = LogPages - 1));
        Assert.Equal(FormatError.CheckpointBadDirectory, Mutate(h, () => h->DirectoryEntryCount = 339));
        Assert.Equal(FormatError.None, Mutate(h, () => { h->DirectoryEntryCount = 170; h->DirectoryPageCount = 2; }));
        Assert.Equal(FormatError.CheckpointBadDirectory, Mutate(h, () => h->DirectoryFirst = h->LogAreaFirst + h->LogAreaCount));
        Assert.Equal(FormatError.CheckpointBadDirectory, Mutate(h, () => h->DirectoryFirst = LogPages));
        Assert.Equal(FormatError.CheckpointBadRestartCount, Mutate(h, () => h->RestartCount = 249));
        Assert.Equal(FormatError.CheckpointBadConfiguration, Mutate(h, () => h->CheckpointIntervalMs = 0));
        Assert.Equal(FormatError.CheckpointBadConfiguration, Mutate(h, () => h->LogThresholdPercent = 101));
    }

    [Fact]
    public void WrappedLogAreaMayHoldTheDirectory()
    {
        using var machine = new SimulatedMachine();
        var h = (CheckpointHeader*)machine.MemoryBase;
        Assert.Equal(FormatError.None, Mutate(h, () =>
        {
            h->LogAreaFirst = LogPages - 4;
            h->LogAreaCount = 10;
            h->DirectoryFirst = 3;
            h->DirectoryEntryCount = 300;
            h->DirectoryPageCount = 2;
        }));
        Assert.Equal(FormatError.CheckpointBadDirectory, Mutate(h, () =>
        {
            h->LogAreaFirst = LogPages - 4;
            h->LogAreaCount = 10;
            h->DirectoryFirst = LogPages - 1;
            h->DirectoryEntryCount = 300;
            h->DirectoryPageCount = 2;
        }));
    }

    [Fact]
    public void RecoveryChoosesTheNewestValidSlot()
    {
        using var machine = new SimulatedMachine();
        var a = (CheckpointHeader*)machine.MemoryBase;
        var b = (CheckpointHeader*)(machine.MemoryBase + 4096);
        CheckpointHeader.Initialize(a, 7, 1);
        CheckpointHeader.Initialize(b, 8, 1);
        Assert.Equal(1, CheckpointHeader.ChooseSlot(a, true, b, true));
        Assert.Equal(0, CheckpointHeader.ChooseSlot(a, true, b, false));
        Assert.Equal(1, CheckpointHeader.ChooseSlot(a, false, b, true));
        Assert.Equal(-1, CheckpointHeader.ChooseSlot(a, false, b, false));
        Assert.Equal(0, CheckpointHeader.NextSlot(1));
        Assert.Equal(1, CheckpointHeader.NextSlot(0));
        Assert.Equal(0, CheckpointHeader.NextSlot(-1));

        a->Sequence = 8;
        Assert.Equal(0, CheckpointHeader.ChooseSlot(a, true, b, true));
        a->Flags = CheckpointFlags.Migrated;
        Assert.Equal(0, CheckpointHeader.ChooseSlot(a, true, b, true));
        a->Flags = CheckpointFlags.None;
        b->Flags = CheckpointFlags.Migrated;
        Assert.Equal(1, CheckpointHeader.ChooseSlot(a, true, b, true));
        Assert.True(CheckpointHeader.IsNewer(b, a));
        Assert.False(CheckpointHeader.IsNewer(a, b));
    }

    private static void Fill(CheckpointHeader* h)
    {
        CheckpointHeader.Initialize(h, 42, SampleVolume.VolumeId);
        h->LogAreaFirst = 10;
        h->LogAreaCount = 20;
        h->DirectoryFirst = 25;
        h->DirectoryPageCount = 2;
        h->DirectoryEntryCount = 200;
        h->RestartCount = 2;
        CheckpointHeader.Restart(h, 0)->Oid = new Oid(0x100000);
        CheckpointHeader.Restart(h, 1)->Oid = new Oid(0x100001);
        CheckpointHeader.Restart(h, 1)->AllocCount = 4;
        PageSeal.Seal((byte*)h);
    }

    private static FormatError Mutate(CheckpointHeader* h, System.Action change)
    {
        Fill(h);
        change();
        PageSeal.Seal((byte*)h);
        return CheckpointHeader.Validate(h, SampleVolume.VolumeId, LogPages);
    }
}
