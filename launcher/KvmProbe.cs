using System;
using System.IO;
using System.Text.Json;
using System.Threading.Tasks;
using CapOS.Harness;

namespace CapOS.Launcher;

/// <summary>
/// The KVM probe: boot the real kernel under KVM with a short timeout and see whether the banner and the
/// first ring-3 line appear. On nested kvm-pvm hosts the guest instead stops with a KVM internal error
/// (QMP STOP) or resets on entering ring 3 (QEMU exits): both end the probe early.
/// </summary>
public static class KvmProbe
{
    /// <summary>How long the probe may take: a working KVM reaches ring 3 in well under a second.</summary>
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(5);

    /// <summary>This host, as the verdict cache keys it.</summary>
    public static string HostIdentity()
    {
        string release = File.Exists("/proc/sys/kernel/osrelease")
            ? File.ReadAllText("/proc/sys/kernel/osrelease").Trim()
            : Environment.OSVersion.VersionString;
        return $"{Environment.MachineName} {release}";
    }

    /// <summary>Reads the cached verdict, or null if absent or unreadable.</summary>
    public static KvmVerdict? ReadCache(string path)
    {
        try
        {
            return File.Exists(path) ? JsonSerializer.Deserialize<KvmVerdict>(File.ReadAllText(path)) : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>Writes the verdict to the cache.</summary>
    public static void WriteCache(string path, KvmVerdict verdict)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, JsonSerializer.Serialize(verdict, new JsonSerializerOptions { WriteIndented = true }) + "\n");
    }

    /// <summary>
    /// Boots the kernel under KVM and returns the verdict. The kernel refuses to boot without its disk, so
    /// the probe attaches a temporary copy of the pristine artifacts/images/capos.img (never the persistent disk).
    /// </summary>
    public static async Task<KvmVerdict> RunAsync(RepositoryLayout layout, string host)
    {
        DirectoryInfo scratch = Directory.CreateTempSubdirectory("capos-kvm-probe-");
        try
        {
            string? disk = null;
            if (File.Exists(layout.PristineSystemImage))
            {
                disk = Path.Combine(scratch.FullName, "disk.img");
                File.Copy(layout.PristineSystemImage, disk);
            }
            return await ProbeAsync(layout, host, disk).ConfigureAwait(false);
        }
        finally
        {
            scratch.Delete(recursive: true);
        }
    }

    private static async Task<KvmVerdict> ProbeAsync(RepositoryLayout layout, string host, string? disk)
    {
        QemuOptions options = CapOSBoot.Kernel(layout, SerialContract.ExitWhenIdle, Accelerator.Kvm, disk);
        QemuMachine machine;
        try
        {
            machine = await QemuMachine.StartAsync(options, startTimeout: Timeout).ConfigureAwait(false);
        }
        catch (QemuStartException e)
        {
            return new KvmVerdict(false, host, "QEMU did not start under KVM: " + FirstLine(e.Message));
        }
        await using (machine.ConfigureAwait(false))
        {
            Task stopped = machine.Qmp is null
                ? Task.Delay(System.Threading.Timeout.InfiniteTimeSpan)
                : machine.Qmp.WaitForEventAsync("STOP", Timeout);
            Task<bool> reached = ReachesRing3Async(machine);
            Task first = await Task.WhenAny(reached, stopped).ConfigureAwait(false);
            bool guestStopped = first == stopped && stopped.IsCompletedSuccessfully;
            if (!guestStopped && await reached.ConfigureAwait(false))
            {
                return new KvmVerdict(true, host, "banner and ring 3 reached");
            }
            string? error = QemuExit.ErrorLine(machine.QemuOutput);
            return new KvmVerdict(false, host,
                error ?? (guestStopped ? "the guest stopped" : $"no ring-3 line within {Timeout.TotalSeconds:0} s"));
        }
    }

    private static async Task<bool> ReachesRing3Async(QemuMachine machine)
    {
        try
        {
            await machine.Serial.WaitForLineAsync(SerialContract.Banner, Timeout).ConfigureAwait(false);
            await machine.Serial.WaitForLineAsync(SerialContract.UserHello, Timeout).ConfigureAwait(false);
            return true;
        }
        catch (SerialWaitException)
        {
            return false;
        }
    }

    private static string FirstLine(string text)
    {
        int end = text.IndexOf('\n', StringComparison.Ordinal);
        return end < 0 ? text : text[..end];
    }
}
