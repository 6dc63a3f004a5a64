using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text.RegularExpressions;
using System.Threading.Tasks;
using CapOS.Harness;
using CapOS.Kernel.DiskFormat;
using CapOS.Kernel.NodeTree;
using CapOS.Kernel.ObjectCache;
using Xunit;

namespace CapOS.SystemTests;

/// <summary>
/// A byte flipped in a volume header, a checkpoint header, a directory page or a log image is always
/// detected on metal: the boot uses the intact copy or the older checkpoint and says so, or refuses naming
/// the fault (exit code 4, no hang, no fault dump); a damaged log image fails the object fault that touches
/// it, naming the object (issue #3 "How it will be checked"; docs/recovery.md R1-R4). Every offset comes from
/// the disk format's code (<see cref="ScratchDisk"/>); every expected fault text from the kernel's own names.
/// </summary>
public sealed class StoreCorruptionTests
{
    private const string WalkCommandLine = "walk=0x1000 cache-pages=256 cache-nodes=256 " + SerialContract.ExitWhenIdle;

    [Fact]
    public async Task DamagedVolumeHeaderUsesTheCopyAndSaysSo()
    {
        using ScratchDisk disk = ScratchDisk.Of("hello.img");
        disk.FlipByte(ScratchDisk.VolumeIdOffset(DiskLayout.VolumeHeaderPage));
        await using QemuMachine machine = await Boot.KernelAsync(SerialContract.ExitWhenIdle, disk.Path);

        await machine.WaitForLineAsync(
            Regex.Escape($"store: volume header copy used (page 0: {FormatErrors.Name(FormatError.VolumeBadCrc)})"), Boot.Timeout);
        Match recovered = await machine.WaitForLineAsync(StoreContract.Recovered, Boot.Timeout);
        Assert.True(recovered.Groups["seq"].Value == "1" && recovered.Groups["slot"].Value == "0", Boot.Failure(machine));
        await machine.WaitForLineAsync(SerialContract.UserInvocationChecks, Boot.Timeout);
        await Boot.AssertExitValueAsync(machine, 0);
    }

    [Fact]
    public async Task BothVolumeHeadersDamagedIsRefusedNamingBoth()
    {
        using ScratchDisk disk = ScratchDisk.Of("hello.img");
        disk.FlipByte(ScratchDisk.VolumeIdOffset(DiskLayout.VolumeHeaderPage));
        disk.FlipByte(ScratchDisk.VolumeIdOffset(DiskLayout.VolumeHeaderCopyPage) + 3);
        await using QemuMachine machine = await Boot.KernelAsync(SerialContract.ExitWhenIdle, disk.Path);

        string badCrc = FormatErrors.Name(FormatError.VolumeBadCrc);
        await StoreContract.AssertRefusedAsync(machine, $"page 0: {badCrc}; page 1: {badCrc}");
    }

    /// <summary>A fresh image has one checkpoint (LID 1 blank): with its header damaged there is nothing older, so refusing is right.</summary>
    [Fact]
    public async Task DamagedOnlyCheckpointHeaderIsRefusedNamingIt()
    {
        using ScratchDisk disk = ScratchDisk.Of("hello.img");
        disk.FlipByte(disk.SequenceOffset(DiskLayout.HeaderLid0));
        await using QemuMachine machine = await Boot.KernelAsync(SerialContract.ExitWhenIdle, disk.Path);

        await StoreContract.AssertRefusedAsync(machine, "no valid checkpoint header (LID 0: "
            + FormatErrors.Name(FormatError.CheckpointBadCrc) + "; LID 1: " + FormatErrors.Name(FormatError.CheckpointBadMagic) + ")");
    }

    /// <summary>
    /// Two headers: LID 1 made a sealed copy of LID 0 with sequence 2 (a newer checkpoint whose own directory
    /// was never written). Intact, it is chosen and its stale directory refused (R4); with a byte flipped, as a
    /// torn commit would leave it, the boot falls back to checkpoint 1 in LID 0 and recovers (R3).
    /// </summary>
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task NewerHeaderIsChosenAndADamagedOneFallsBackToTheOlder(bool damageNewer)
    {
        using ScratchDisk disk = ScratchDisk.Of("hello.img");
        WriteNewerHeaderCopy(disk);
        if (damageNewer)
        {
            disk.FlipByte(disk.SequenceOffset(DiskLayout.HeaderLid1) + 1);
        }

        await using QemuMachine machine = await Boot.KernelAsync(SerialContract.ExitWhenIdle, disk.Path);
        if (!damageNewer)
        {
            await StoreContract.AssertRefusedAsync(machine, "checkpoint 2 slot 1: directory page 0: " + FormatErrors.Name(FormatError.DirectoryWrongSequence));
            return;
        }

        Match recovered = await machine.WaitForLineAsync(StoreContract.Recovered, Boot.Timeout);
        Assert.True(recovered.Groups["seq"].Value == "1" && recovered.Groups["slot"].Value == "0", Boot.Failure(machine));
        await machine.WaitForLineAsync(SerialContract.UserInvocationChecks, Boot.Timeout);
        await Boot.AssertExitValueAsync(machine, 0);
    }

    [Fact]
    public async Task DamagedDirectoryPageIsRefusedNamingIt()
    {
        using ScratchDisk disk = ScratchDisk.Of("hello.img");
        disk.FlipByte(disk.DirectoryEntryOffset(0, 1));
        await using QemuMachine machine = await Boot.KernelAsync(SerialContract.ExitWhenIdle, disk.Path);

        await StoreContract.AssertRefusedAsync(machine, "checkpoint 1 slot 0: directory page 0: " + FormatErrors.Name(FormatError.DirectoryBadCrc));
    }

    /// <summary>
    /// A byte flipped in a logged page's image and in a logged node pot of walk.img: recovery verifies every
    /// image of the chosen checkpoint before anything resumes (Recovery I2), so the boot is refused naming the
    /// object whose image is damaged and its LID, never run on. imagegen check names the damaged log page offline.
    /// </summary>
    [Theory]
    [InlineData(ObType.Page)]
    [InlineData(ObType.Node)]
    public async Task DamagedLogImageRefusesTheBootNamingTheObject(ObType type)
    {
        using ScratchDisk disk = ScratchDisk.Of("walk.img");
        List<DirectoryEntry> entries = disk.DirectoryEntries();
        DirectoryEntry victim = entries.Last(e => e.Type == type && e.Lid != DiskLayout.ZeroLid);
        DirectoryEntry first = entries.First(e => e.Lid == victim.Lid); // the first entry naming that image is named
        disk.FlipByte(((long)disk.LogDiskPage(victim.Lid) * DiskLayout.PageSize) + 100);
        await using QemuMachine machine = await Boot.KernelAsync(WalkCommandLine, disk.Path);

        await StoreContract.AssertRefusedAsync(machine, $"checkpoint 1 slot 0: log image of {(type == ObType.Node ? "node" : "page")} "
            + $"{Hex(first.Oid)} at LID {victim.Lid} fails its CRC; its migration may have begun, so no older checkpoint is consistent");

        string check = await CheckAsync(disk.Path);
        Assert.True(check.Contains($"fault: log lid={victim.Lid}: ", System.StringComparison.Ordinal), $"imagegen check must name lid {victim.Lid}:\n{check}");
    }

    private static unsafe void WriteNewerHeaderCopy(ScratchDisk disk)
    {
        CheckpointHeader newer = disk.Header0();
        newer.Sequence = 2;
        byte[] page = new byte[DiskLayout.PageSize];
        fixed (byte* bytes = page)
        {
            *(CheckpointHeader*)bytes = newer;
            PageSeal.Seal(bytes);
        }

        disk.WritePage(disk.LogDiskPage(DiskLayout.HeaderLid1), page);
    }

    /// <summary>imagegen check over a damaged image: exit 1 (faults found); returns its output.</summary>
    private static async Task<string> CheckAsync(string image)
    {
        (int exit, string text) = await StoreBootTests.RunImageGenAsync("check", image);
        Assert.True(exit == 1, $"imagegen check must exit 1 on a damaged image, got {exit}:\n{text}");
        return text;
    }

    private static string Hex(Oid oid) => "0x" + oid.Value.ToString("x", CultureInfo.InvariantCulture);
}
