using System.IO;
using CapOS.Launcher.Bench;
using Xunit;

namespace CapOS.Launcher.Tests.Bench;

public class BenchImagesTests
{
    private const long MiB = 1024 * 1024;

    [Theory]
    [InlineData(1118208, 16 * MiB)]
    [InlineData(14 * MiB, 16 * MiB)]
    [InlineData((14 * MiB) + 1, 17 * MiB)]
    [InlineData(30 * MiB, 32 * MiB)]
    public void TheRawDiskIsAtLeast16MiBAndLeavesTheScratchAreaOffTheVolume(long volume, long expected)
    {
        long size = BenchImages.RawDiskBytes(volume);

        Assert.Equal(expected, size);
        Assert.True(volume <= size - BenchImages.ScratchBytes);
    }

    [Fact]
    public void TheRawDiskStartsWithTheVolumeAndCopiesAreFreshAndRemoved()
    {
        string volume = Path.GetTempFileName();
        File.WriteAllBytes(volume, [1, 2, 3, 4, 5]);
        string raw, copy;
        using (var images = new BenchImages())
        {
            raw = images.RawDisk(volume);
            copy = images.CopyOf(volume);
            byte[] bytes = File.ReadAllBytes(raw);

            Assert.Equal(16 * MiB, bytes.Length);
            Assert.Equal([1, 2, 3, 4, 5], bytes[..5]);
            Assert.Equal([1, 2, 3, 4, 5], File.ReadAllBytes(copy));
            Assert.NotEqual(raw, images.RawDisk(volume));
        }
        File.Delete(volume);

        Assert.False(File.Exists(raw));
        Assert.False(File.Exists(copy));
    }
}
