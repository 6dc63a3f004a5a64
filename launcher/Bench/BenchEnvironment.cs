using System;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Threading.Tasks;

namespace CapOS.Launcher.Bench;

/// <summary>Where the figures were taken: printed above the table, since TCG figures mean little without the
/// host (docs/bench.md, "Environment").</summary>
/// <param name="QemuVersion">The first line of <c>qemu-system-x86_64 --version</c>.</param>
/// <param name="Accelerator">The accelerator and clock mode the boots used.</param>
/// <param name="HostCpu">The host CPU model and its logical processor count.</param>
public sealed record BenchEnvironment(string QemuVersion, string Accelerator, string HostCpu)
{
    /// <summary>The accelerator text for a run: always TCG (as the boot tests: the same on every host).</summary>
    public static string AcceleratorText(bool deterministic) =>
        deterministic ? "TCG, -icount shift=0 (deterministic: guest time counts instructions, 1 ns each)" : "TCG";

    /// <summary>"model (N logical CPUs)" from the text of /proc/cpuinfo; "unknown" when it names no model.</summary>
    public static string CpuModel(string cpuinfo)
    {
        string[] lines = cpuinfo.Split('\n');
        string? model = lines
            .Where(line => line.StartsWith("model name", StringComparison.Ordinal) && line.Contains(':', StringComparison.Ordinal))
            .Select(line => line[(line.IndexOf(':', StringComparison.Ordinal) + 1)..].Trim())
            .FirstOrDefault();
        int processors = lines.Count(line => line.StartsWith("processor", StringComparison.Ordinal));
        string count = processors > 0 ? $" ({processors} logical CPUs)" : "";
        return string.IsNullOrEmpty(model) ? "unknown" + count : model + count;
    }

    /// <summary>The first non-empty line of <paramref name="output"/>, or "unknown".</summary>
    public static string FirstLine(string output) =>
        output.Split('\n').Select(line => line.Trim()).FirstOrDefault(line => line.Length > 0) ?? "unknown";

    /// <summary>Looks at this host.</summary>
    public static async Task<BenchEnvironment> ProbeAsync(string qemuBinary, bool deterministic)
    {
        string cpu = File.Exists("/proc/cpuinfo") ? CpuModel(await File.ReadAllTextAsync("/proc/cpuinfo").ConfigureAwait(false)) : "unknown";
        return new BenchEnvironment(await QemuVersionAsync(qemuBinary).ConfigureAwait(false), AcceleratorText(deterministic), cpu);
    }

    private static async Task<string> QemuVersionAsync(string qemuBinary)
    {
        var start = new ProcessStartInfo(qemuBinary, "--version") { RedirectStandardOutput = true, UseShellExecute = false };
        try
        {
            using Process process = Process.Start(start)!;
            string output = await process.StandardOutput.ReadToEndAsync().ConfigureAwait(false);
            await process.WaitForExitAsync().ConfigureAwait(false);
            return FirstLine(output);
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            return $"unknown ({qemuBinary}: {e.Message})";
        }
    }
}
