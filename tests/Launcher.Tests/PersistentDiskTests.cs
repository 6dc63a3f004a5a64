using System.IO;
using Xunit;

namespace CapOS.Launcher.Tests;

/// <summary>The persistent disk's rules P1-P3 (<see cref="PersistentDisk"/>): a copy, kept across builds,
/// renewed only on request with the old one kept, and a rebuilt pristine image named.</summary>
public sealed class PersistentDiskTests : System.IDisposable
{
    private readonly TemporaryRepository _repository = new();

    [Fact]
    public void FirstRunCopiesThePristineImageWhichStaysUntouched()
    {
        _repository.WritePristine([1, 2]);
        var disk = new PersistentDisk(_repository.Layout);

        string said = disk.Prepare(fresh: false);
        File.WriteAllBytes(disk.Path, [9, 9]); // the system moves on

        Assert.Contains("a fresh copy of artifacts/images/capos.img", said, System.StringComparison.Ordinal);
        Assert.Equal(new byte[] { 1, 2 }, File.ReadAllBytes(_repository.Layout.PristineSystemImage));
    }

    [Fact]
    public void ALaterRunResumesTheDiskEvenAfterARebuild()
    {
        _repository.WritePristine([1, 2]);
        var disk = new PersistentDisk(_repository.Layout);
        disk.Prepare(fresh: false);
        File.WriteAllBytes(disk.Path, [9, 9]);

        Assert.Contains("resuming the persistent disk", disk.Prepare(fresh: false), System.StringComparison.Ordinal);
        _repository.WritePristine([3, 4]); // a build with a changed system description

        string said = disk.Prepare(fresh: false);

        Assert.True(disk.Stale());
        Assert.Contains("--fresh starts from the new image", said, System.StringComparison.Ordinal);
        Assert.Equal(new byte[] { 9, 9 }, File.ReadAllBytes(disk.Path));
    }

    [Fact]
    public void FreshRenewsTheDiskAndKeepsTheOldOne()
    {
        _repository.WritePristine([1, 2]);
        var disk = new PersistentDisk(_repository.Layout);
        disk.Prepare(fresh: false);
        File.WriteAllBytes(disk.Path, [9, 9]);
        _repository.WritePristine([3, 4]);

        string said = disk.Prepare(fresh: true);

        Assert.Equal(new byte[] { 3, 4 }, File.ReadAllBytes(disk.Path));
        Assert.Equal(new byte[] { 9, 9 }, File.ReadAllBytes(disk.Path + PersistentDisk.PreviousSuffix));
        Assert.Contains("kept as disk/capos.img.previous", said, System.StringComparison.Ordinal);
        Assert.False(disk.Stale());
    }

    [Fact]
    public void TheDiskAnOlderTreeKeptInArtifactsIsAdoptedNotLost()
    {
        _repository.WritePristine([1, 2]);
        File.WriteAllBytes(_repository.Layout.LegacyPersistentDisk, [5, 5]);
        var disk = new PersistentDisk(_repository.Layout);

        string said = disk.Prepare(fresh: false);

        Assert.Equal(new byte[] { 5, 5 }, File.ReadAllBytes(disk.Path));
        Assert.False(File.Exists(_repository.Layout.LegacyPersistentDisk));
        Assert.Contains("adopted", said, System.StringComparison.Ordinal);
    }

    [Fact]
    public void AMissingPristineImageIsNamed()
    {
        var disk = new PersistentDisk(_repository.Layout);

        var e = Assert.Throws<FileNotFoundException>(() => disk.Prepare(fresh: false));

        Assert.Contains("./capos build", e.Message, System.StringComparison.Ordinal);
        Assert.False(File.Exists(disk.Path));
    }

    public void Dispose() => _repository.Dispose();
}
