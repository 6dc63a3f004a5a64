using CapOS.Kernel.DiskFormat;
using CapOS.Kernel.Host;
using CapOS.Kernel.NodeTree;
using Xunit;

namespace CapOS.Kernel.Tests.DiskFormat;

public sealed unsafe class VolumeHeaderTests
{
    private const ulong DiskPages = 100000;

    [Fact]
    public void SampleHeaderIsValid()
    {
        using var machine = new SimulatedMachine();
        var h = (VolumeHeader*)machine.MemoryBase;
        SampleVolume.Write(h);
        Assert.Equal(FormatError.None, VolumeHeader.Validate(h, DiskPages));
        Assert.Equal(2, VolumeLayout.FindLogRange(h));
    }

    [Fact]
    public void EveryFlippedByteIsDetected()
    {
        using var machine = new SimulatedMachine();
        var h = (VolumeHeader*)machine.MemoryBase;
        SampleVolume.Write(h);
        Assert.Equal(-1, SampleVolume.FirstUndetectedFlip((byte*)h, () => VolumeHeader.Validate(h, DiskPages) == FormatError.None));
    }

    [Fact]
    public void BlankPageIsBadMagicAndCorruptionIsBadCrc()
    {
        using var machine = new SimulatedMachine();
        var h = (VolumeHeader*)machine.MemoryBase;
        Assert.Equal(FormatError.VolumeBadMagic, VolumeHeader.Validate(h, DiskPages));
        SampleVolume.Write(h);
        ((byte*)h)[200] ^= 1;
        Assert.Equal(FormatError.VolumeBadCrc, VolumeHeader.Validate(h, DiskPages));
    }

    [Fact]
    public void FixedFieldErrors()
    {
        using var machine = new SimulatedMachine();
        var h = (VolumeHeader*)machine.MemoryBase;
        Assert.Equal(FormatError.VolumeBadVersion, Mutate(h, () => h->FormatVersion = 2));
        Assert.Equal(FormatError.VolumeBadRangeCount, Mutate(h, () => h->RangeCount = 0));
        Assert.Equal(FormatError.VolumeBadRangeCount, Mutate(h, () => h->RangeCount = 33));
        Assert.Equal(FormatError.VolumeBadPageCount, Mutate(h, () => h->VolumePageCount = 3));
        SampleVolume.Write(h);
        Assert.Equal(FormatError.VolumeBadPageCount, VolumeHeader.Validate(h, SampleVolume.VolumePages - 1));
        Assert.Equal(FormatError.None, VolumeHeader.Validate(h, SampleVolume.VolumePages));
    }

    [Fact]
    public void RangeTableErrors()
    {
        using var machine = new SimulatedMachine();
        var h = (VolumeHeader*)machine.MemoryBase;
        RangeDescriptor* pages = VolumeHeader.Range(h, 0);
        RangeDescriptor* nodes = VolumeHeader.Range(h, 1);
        RangeDescriptor* log = VolumeHeader.Range(h, 2);
        Assert.Equal(FormatError.RangeBadKind, Mutate(h, () => nodes->Kind = (RangeKind)9));
        Assert.Equal(FormatError.RangeOutsideVolume, Mutate(h, () => pages->FirstPage = 1));
        Assert.Equal(FormatError.RangeOutsideVolume, Mutate(h, () => log->PageCount++));
        Assert.Equal(FormatError.RangeOutsideVolume, Mutate(h, () => nodes->PageCount = 0));
        Assert.Equal(FormatError.RangesOverlap, Mutate(h, () => nodes->FirstPage--));
        Assert.Equal(FormatError.RangeNullOid, Mutate(h, () => pages->FirstOid = Oid.Null));
        Assert.Equal(FormatError.RangeBadOidCount, Mutate(h, () => pages->OidCount = 0));
        Assert.Equal(FormatError.RangeBadOidCount, Mutate(h, () => nodes->OidCount = (7 * SampleVolume.NodePages) + 1));
        Assert.Equal(FormatError.None, Mutate(h, () => nodes->OidCount = 7 * SampleVolume.NodePages));
        Assert.Equal(FormatError.OidRangesOverlap, Mutate(h, () => nodes->FirstOid = new Oid(SampleVolume.PageFirstOid + SampleVolume.PageOids - 1)));
        Assert.Equal(FormatError.None, Mutate(h, () => nodes->FirstOid = new Oid(SampleVolume.PageFirstOid + SampleVolume.PageOids)));
        Assert.Equal(FormatError.LogRangeMissing, Mutate(h, () => h->RangeCount = 2));
        Assert.Equal(FormatError.LogRangeBadSize, Mutate(h, () => log->PageCount = 3));
        Assert.Equal(FormatError.LogRangeHasOids, Mutate(h, () => log->OidCount = 1));
        Assert.Equal(FormatError.LogRangeDuplicate, Mutate(h, () =>
        {
            h->RangeCount = 4;
            log->PageCount = 32;
            SampleVolume.Set(VolumeHeader.Range(h, 3), RangeKind.LogRange, log->FirstPage + 32, 32, 0, 0);
        }));
    }

    /// <summary>Writes the sample, applies <paramref name="change"/>, reseals, and validates.</summary>
    private static FormatError Mutate(VolumeHeader* h, System.Action change)
    {
        SampleVolume.Write(h);
        change();
        PageSeal.Seal((byte*)h);
        return VolumeHeader.Validate(h, DiskPages);
    }
}
