using System;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Text.RegularExpressions;
using System.Threading.Tasks;
using CapOS.Harness;
using CapOS.Kernel.DiskFormat;
using Xunit;
using Xunit.Abstractions;

namespace CapOS.SystemTests;

/// <summary>
/// Boot is recovery, on QEMU: the shipped image is recovered before the ring-3 programs run, the graph walk
/// over walk.img matches imagegen's digest with eviction, and a missing, foreign or truncated disk is refused
/// with exit code 4 and the fault named (issue #3 "How it will be checked"; docs/recovery.md). Damaged
/// images: <see cref="StoreCorruptionTests"/>.
/// </summary>
public sealed class StoreBootTests(ITestOutputHelper output)
{
    private const string WalkCommandLine = "walk=0x1000 cache-pages=256 cache-nodes=256 " + SerialContract.ExitWhenIdle;

    [Fact]
    public async Task ShippedImageIsRecoveredThenTheRingThreeProgramsRun()
    {
        using ScratchDisk disk = ScratchDisk.Of("hello.img");
        ulong pages = (ulong)new FileInfo(disk.Path).Length / DiskLayout.PageSize;
        int objects = disk.DirectoryEntries().Count; // read before the boot: its checkpoints may reuse that log half
        await using QemuMachine machine = await Boot.KernelAsync(SerialContract.ExitWhenIdle, disk.Path);

        Match volume = await machine.WaitForLineAsync(StoreContract.Volume, Boot.Timeout);
        Match recovered = await machine.WaitForLineAsync(StoreContract.Recovered, Boot.Timeout);
        Match time = await machine.WaitForLineAsync(StoreContract.RecoveredIn, Boot.Timeout);
        await machine.WaitForLineAsync(SerialContract.UserInvocationChecks, Boot.Timeout);
        await Boot.AssertExitValueAsync(machine, 0);

        string log = Boot.Failure(machine);
        Assert.True(volume.Groups["pages"].Value == pages.ToString(CultureInfo.InvariantCulture), log);
        Assert.True(recovered.Groups["seq"].Value == "1" && recovered.Groups["slot"].Value == "0", log);
        Assert.True(recovered.Groups["objects"].Value == objects.ToString(CultureInfo.InvariantCulture), log);
        Assert.True(!log.Contains("volume header copy used", StringComparison.Ordinal), log);
        output.WriteLine($"hello.img: {time.Value}");
    }

    [Fact]
    public async Task GraphWalkMatchesImagegenDigestWithEviction()
    {
        using ScratchDisk disk = ScratchDisk.Of("walk.img");
        Match expected = Regex.Match(await ImageGenAsync("digest", disk.Path),
            @"^digest: root=0x1000 nodes=(?<nodes>\d+) pages=(?<pages>\d+) digest=(?<digest>[0-9a-f]{16})$", RegexOptions.Multiline);
        Assert.True(expected.Success, "imagegen digest printed no digest line");
        await using QemuMachine machine = await Boot.KernelAsync(WalkCommandLine, disk.Path);

        Match cache = await machine.WaitForLineAsync(StoreContract.Cache, Boot.Timeout);
        Match recovered = await machine.WaitForLineAsync(StoreContract.RecoveredIn, Boot.Timeout);
        Match walk = await machine.WaitForLineAsync(StoreContract.Walk, Boot.Timeout);
        Match took = await machine.WaitForLineAsync(StoreContract.WalkTook, Boot.Timeout);
        await machine.WaitForLineAsync(SerialContract.Idle, Boot.Timeout); // walk.img holds no process
        await Boot.AssertExitValueAsync(machine, 0);

        string log = Boot.Failure(machine);
        Assert.True(cache.Groups["pages"].Value == "256" && cache.Groups["nodes"].Value == "256", log);
        Assert.True(walk.Groups["root"].Value == "1000", log);
        Assert.True(walk.Groups["nodes"].Value == expected.Groups["nodes"].Value, $"nodes differ from imagegen's {expected.Value}\n{log}");
        Assert.True(walk.Groups["pages"].Value == expected.Groups["pages"].Value, $"pages differ from imagegen's {expected.Value}\n{log}");
        Assert.True(walk.Groups["digest"].Value == expected.Groups["digest"].Value, $"digest differs from imagegen's {expected.Value}\n{log}");
        long objects = long.Parse(expected.Groups["nodes"].Value, CultureInfo.InvariantCulture) + long.Parse(expected.Groups["pages"].Value, CultureInfo.InvariantCulture);
        Assert.True(objects > 512, $"the walk image must hold more objects than the 512 frames of the cache\n{log}");
        Assert.True(long.Parse(walk.Groups["evictions"].Value, CultureInfo.InvariantCulture) > 0, "the walk must evict\n" + log);
        Assert.True(long.Parse(walk.Groups["faults"].Value, CultureInfo.InvariantCulture) >= objects, "every object is faulted in at least once\n" + log);
        output.WriteLine($"walk.img: {recovered.Value}; {walk.Value}; {took.Value}");
    }

    [Fact]
    public async Task NoDiskIsRefused()
    {
        await using QemuMachine machine = await Boot.KernelAsync(SerialContract.ExitWhenIdle, diskImage: null);
        await machine.WaitForLineAsync("^disk: no virtio-blk device; no disk$", Boot.Timeout);
        await StoreContract.AssertRefusedAsync(machine, "no disk");
    }

    [Fact]
    public async Task ForeignFileIsRefusedAsNotACapOSVolume()
    {
        var bytes = new byte[1024 * 1024];
        new Random(11).NextBytes(bytes);
        using ScratchDisk disk = ScratchDisk.WithBytes(bytes);
        await using QemuMachine machine = await Boot.KernelAsync(SerialContract.ExitWhenIdle, disk.Path);
        string badMagic = FormatErrors.Name(FormatError.VolumeBadMagic);
        await StoreContract.AssertRefusedAsync(machine, $"page 0: {badMagic}; page 1: {badMagic}");
    }

    [Fact]
    public async Task TruncatedImageIsRefusedAsSmallerThanItsVolume()
    {
        byte[] image = File.ReadAllBytes(ScratchDisk.ArtifactImage("capos.img"));
        using ScratchDisk disk = ScratchDisk.WithBytes(image.AsSpan(0, image.Length / 2).ToArray());
        await using QemuMachine machine = await Boot.KernelAsync(SerialContract.ExitWhenIdle, disk.Path);
        string tooSmall = FormatErrors.Name(FormatError.VolumeBadPageCount);
        await StoreContract.AssertRefusedAsync(machine, $"page 0: {tooSmall}; page 1: {tooSmall}");
    }

    [Fact]
    public async Task EmptyDiskIsRefusedAtTheFirstRead()
    {
        using ScratchDisk disk = ScratchDisk.WithBytes([]);
        await using QemuMachine machine = await Boot.KernelAsync(SerialContract.ExitWhenIdle, disk.Path);
        await machine.WaitForLineAsync("^disk: sectors=0 ", Boot.Timeout);
        await StoreContract.AssertRefusedAsync(machine, "disk read error (bad request) at page 0");
    }

    /// <summary>Runs the built imagegen CLI (<c>dotnet imagegen.dll ...</c>); it must exit 0. Returns its output.</summary>
    internal static async Task<string> ImageGenAsync(params string[] arguments)
    {
        (int exit, string text) = await RunImageGenAsync(arguments);
        Assert.True(exit == 0, $"imagegen {string.Join(' ', arguments)} exited {exit}: {text}");
        return text;
    }

    /// <summary>Runs the built imagegen CLI; returns its exit code and its output (stdout, then stderr).</summary>
    internal static async Task<(int Exit, string Text)> RunImageGenAsync(params string[] arguments)
    {
        string dll = typeof(StoreBootTests).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
            .Single(a => a.Key == "CapOS.ImageGenDll").Value!;
        Assert.True(File.Exists(dll), $"the store tests run imagegen, {dll}, which the solution build writes; it is missing");
        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.ArgumentList.Add(dll);
        foreach (string argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using Process process = Process.Start(start)!;
        Task<string> error = process.StandardError.ReadToEndAsync();
        string text = await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync();
        return (process.ExitCode, text + await error);
    }
}
