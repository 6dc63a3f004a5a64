using System.IO;
using CapOS.Harness;
using Xunit;

namespace CapOS.Launcher.Tests;

/// <summary>Which disk <c>capos run</c> attaches.</summary>
public class RunVerbTests
{
    private static readonly RunRequest Defaults = new(false, false, null, null, AcceleratorRequest.Auto, false, false, null);

    [Fact]
    public void AttachesArtifactsCaposImgOnlyWhenItExists()
    {
        DirectoryInfo directory = Directory.CreateTempSubdirectory("capos-run-disk-test-");
        try
        {
            File.WriteAllText(Path.Combine(directory.FullName, "CapOS.sln"), "");
            Directory.CreateDirectory(Path.Combine(directory.FullName, "artifacts"));
            RepositoryLayout layout = RepositoryLayout.Locate(directory.FullName);
            Assert.Null(RunVerb.DiskImage(layout, Defaults));

            File.WriteAllBytes(layout.DiskImage, new byte[512]);

            Assert.Equal(Path.Combine(directory.FullName, "artifacts", "capos.img"), RunVerb.DiskImage(layout, Defaults));
            Assert.Null(RunVerb.DiskImage(layout, Defaults with { NoDisk = true }));
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }

    [Fact]
    public void ExplicitDiskWinsAndIsMadeAbsolute()
    {
        RepositoryLayout layout = RepositoryLayout.Locate();

        Assert.Equal(Path.GetFullPath("other.img"), RunVerb.DiskImage(layout, Defaults with { Disk = "other.img" }));
    }
}
