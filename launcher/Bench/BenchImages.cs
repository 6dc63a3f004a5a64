using System;
using System.IO;

namespace CapOS.Launcher.Bench;

/// <summary>
/// The disks the benchmark boots: private copies in a temporary directory (artifacts/ is never written),
/// removed on dispose. The raw disk is the shipped volume padded with seeded bytes, as the disk boot test
/// (tests/System.Tests/DiskTests.cs) makes it, so the self-test's scratch area (the disk's last 2 MiB) lies
/// beyond the volume.
/// </summary>
public sealed class BenchImages : IDisposable
{
    /// <summary>The checkpoint phase's image (system/bench.sys): plug.sys's structure with a log and ranges big
    /// enough for about a thousand dirty objects in one checkpoint.</summary>
    public const string CheckpointImageName = "bench.img";

    /// <summary>The volume at the start of the raw-disk phase's scratch disk: hello.img, whose processes end, so the boot idles.</summary>
    public const string RawDiskVolumeName = "hello.img";

    /// <summary>The raw disk's least size: the self-test needs 4 MiB, and a bigger disk keeps it off the volume.</summary>
    public const long RawDiskMinimumBytes = 16L * 1024 * 1024;

    /// <summary>The self-test's scratch area at the end of the disk (docs/io.md).</summary>
    public const long ScratchBytes = 2L * 1024 * 1024;

    private const long Alignment = 1024 * 1024;
    private readonly DirectoryInfo _directory = Directory.CreateTempSubdirectory("capos-bench-");
    private int _copies;

    /// <summary>The raw disk's size for a volume of <paramref name="volumeBytes"/>: at least 16 MiB, and the
    /// volume plus the scratch area rounded up to a MiB.</summary>
    public static long RawDiskBytes(long volumeBytes) =>
        Math.Max(RawDiskMinimumBytes, (volumeBytes + ScratchBytes + Alignment - 1) / Alignment * Alignment);

    /// <summary>A fresh raw disk from the volume <paramref name="volume"/> (hello.img).</summary>
    public string RawDisk(string volume)
    {
        byte[] shipped = File.ReadAllBytes(volume);
        var bytes = new byte[RawDiskBytes(shipped.Length)];
        new Random(3).NextBytes(bytes);
        shipped.CopyTo(bytes, 0);
        string path = NextPath("raw");
        File.WriteAllBytes(path, bytes);
        return path;
    }

    /// <summary>A fresh copy of <paramref name="image"/> (plug.img or bench.img): a boot writes its checkpoints there.</summary>
    public string CopyOf(string image)
    {
        string path = NextPath(Path.GetFileNameWithoutExtension(image));
        File.Copy(image, path);
        return path;
    }

    /// <summary>Removes the copies.</summary>
    public void Dispose() => _directory.Delete(recursive: true);

    private string NextPath(string stem) => Path.Combine(_directory.FullName, $"{stem}-{++_copies}.img");
}
