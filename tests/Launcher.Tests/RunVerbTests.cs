using System.IO;
using CapOS.Harness;
using Xunit;

namespace CapOS.Launcher.Tests;

/// <summary>Which disk <c>capos run</c> attaches (<see cref="RunVerb.ChooseDisk"/>).</summary>
public sealed class RunVerbTests : System.IDisposable
{
    private static readonly RunRequest Defaults = new(false, false, null, null, AcceleratorRequest.Auto, false, false, null);
    private readonly TemporaryRepository _repository = new();

    private RepositoryLayout Layout => _repository.Layout;

    [Fact]
    public void DefaultIsThePersistentDiskMadeFromThePristineImage()
    {
        _repository.WritePristine([1, 2, 3]);

        DiskChoice choice = RunVerb.ChooseDisk(Layout, Defaults);

        Assert.Null(choice.Error);
        Assert.Equal(Layout.PersistentDisk, choice.Path);
        Assert.Equal(new byte[] { 1, 2, 3 }, File.ReadAllBytes(Layout.PersistentDisk));
    }

    [Fact]
    public void WithoutAPristineImageTheDefaultRefusesNamingTheBuild()
    {
        DiskChoice choice = RunVerb.ChooseDisk(Layout, Defaults);

        Assert.Equal(LauncherExitCodes.BuildFailed, choice.ErrorCode);
        Assert.Contains("artifacts/images/capos.img is missing", choice.Error, System.StringComparison.Ordinal);
    }

    [Fact]
    public void NoDiskAttachesNothingAndMakesNothing()
    {
        _repository.WritePristine([1]);

        Assert.Null(RunVerb.ChooseDisk(Layout, Defaults with { NoDisk = true }).Path);
        Assert.False(File.Exists(Layout.PersistentDisk));
    }

    [Fact]
    public void ExplicitDiskWinsAndIsMadeAbsolute()
    {
        string other = Path.Combine(Layout.Root, "other.img");
        File.WriteAllBytes(other, [7]);

        DiskChoice choice = RunVerb.ChooseDisk(Layout, Defaults with { Disk = other });

        Assert.Equal(other, choice.Path);
        Assert.False(File.Exists(Layout.PersistentDisk));
    }

    [Fact]
    public void APristineImageIsNeverBootedInPlace()
    {
        _repository.WritePristine([1]);

        DiskChoice choice = RunVerb.ChooseDisk(Layout, Defaults with { Disk = Layout.PristineSystemImage });

        Assert.Equal(LauncherExitCodes.Usage, choice.ErrorCode);
        Assert.Contains("pristine build image", choice.Error, System.StringComparison.Ordinal);
    }

    [Fact]
    public void AMissingExplicitDiskIsAUsageError()
    {
        DiskChoice choice = RunVerb.ChooseDisk(Layout, Defaults with { Disk = Path.Combine(Layout.Root, "nope.img") });

        Assert.Equal(LauncherExitCodes.Usage, choice.ErrorCode);
    }

    public void Dispose() => _repository.Dispose();
}

/// <summary>Ctrl-C in a terminal reaches QEMU too (<see cref="RunVerb.InterruptedByTerminal"/>).</summary>
public sealed class RunVerbInterruptTests
{
    [Fact]
    public void QemuEndedBySigintIsTheUserStoppingIt()
    {
        var exit = new CapOS.Harness.QemuExit(CapOS.Harness.QemuExitKind.NoGuestValue, 0, 0, "no guest value");

        Assert.True(RunVerb.InterruptedByTerminal(exit, "qemu-system-x86_64: terminating on signal 2 from pid 10815 (bash)\n"));
        Assert.False(RunVerb.InterruptedByTerminal(exit, "qemu-system-x86_64: terminating on signal 15 from pid 1\n"));
        Assert.False(RunVerb.InterruptedByTerminal(exit, ""));
    }

    [Fact]
    public void AGuestExitValueIsNeverTakenForCtrlC()
    {
        var exit = new CapOS.Harness.QemuExit(CapOS.Harness.QemuExitKind.GuestExit, 7, 3, "guest exit 3");

        Assert.False(RunVerb.InterruptedByTerminal(exit, "terminating on signal 2"));
    }
}
