using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text.RegularExpressions;
using System.Threading;
using System.Threading.Tasks;
using CapOS.Harness;

namespace CapOS.Launcher.Bench.Lmbench;

/// <summary>
/// The Linux side of <c>bench lmbench</c>: boot the guest (<see cref="LinuxGuest"/>) under the flags CapOS's
/// benchmarks use (<see cref="CapOSBoot.Kernel"/>'s machine: qboot, <c>-kernel</c>, 256 MiB, QEMU's default CPU,
/// TCG, <c>-icount shift=0</c> under <c>--deterministic</c>), let /init run the lmbench tests, and read their output
/// between <c>lmbench-linux: begin ROW</c> and <c>lmbench-linux: end</c>.
/// </summary>
public static class LinuxLmbench
{
    /// <summary>The kernel command line: the serial console, no kernel chatter, and the initramfs's /init.</summary>
    public const string CommandLine = "console=ttyS0 quiet loglevel=1 panic=-1 rdinit=/init";

    /// <summary>How long one guest may take to run every test (about 1-3 minutes under TCG).</summary>
    public static readonly TimeSpan Limit = TimeSpan.FromMinutes(15);

    /// <summary>/init: mount what lmbench needs, run each test between markers, say done.</summary>
    public const string InitScript = """
        #!/bin/busybox sh
        /bin/busybox --install -s /bin
        export PATH=/usr/bin:/bin
        mount -t proc proc /proc
        mount -t devtmpfs dev /dev
        mount -t tmpfs tmpfs /tmp
        dd if=/dev/zero of=/tmp/lmbench.file bs=1048576 count=8 2>/dev/null
        echo "lmbench-linux: start"
        run() { row=$1; shift; echo "lmbench-linux: begin $row"; "$@" 2>&1; echo "lmbench-linux: end"; }
        run null-call lat_syscall null
        run ctx-switch lat_ctx -s 0 2
        run page-fault lat_pagefault /tmp/lmbench.file
        run heap-growth lat_mmap 1m /tmp/lmbench.file
        run fork lat_proc fork
        run proc-create lat_proc exec
        run pipe-latency lat_pipe
        run pipe-bandwidth bw_pipe -m 4096
        run pipe-bandwidth-64k bw_pipe -m 65536
        echo "lmbench-linux: done"
        poweroff -f

        """;

    /// <summary>Each test's output pattern; group v is the figure (microseconds, or MB/s for the bandwidth).</summary>
    public static readonly IReadOnlyDictionary<string, Regex> Patterns = new Dictionary<string, Regex>(StringComparer.Ordinal)
    {
        ["null-call"] = new(@"^Simple syscall: (?<v>\d+(\.\d+)?) microseconds", RegexOptions.CultureInvariant),
        ["ctx-switch"] = new(@"^2 (?<v>\d+(\.\d+)?)$", RegexOptions.CultureInvariant),
        ["page-fault"] = new(@"^Pagefaults on \S+: (?<v>\d+(\.\d+)?) microseconds", RegexOptions.CultureInvariant),
        ["heap-growth"] = new(@"^1\.048576 (?<v>\d+(\.\d+)?)$", RegexOptions.CultureInvariant),
        ["fork"] = new(@"^Process fork\+exit: (?<v>\d+(\.\d+)?) microseconds", RegexOptions.CultureInvariant),
        ["proc-create"] = new(@"^Process fork\+execve: (?<v>\d+(\.\d+)?) microseconds", RegexOptions.CultureInvariant),
        ["pipe-latency"] = new(@"^Pipe latency: (?<v>\d+(\.\d+)?) microseconds", RegexOptions.CultureInvariant),
        ["pipe-bandwidth"] = new(@"^Pipe bandwidth: (?<v>\d+(\.\d+)?) MB/sec", RegexOptions.CultureInvariant),
        ["pipe-bandwidth-64k"] = new(@"^Pipe bandwidth: (?<v>\d+(\.\d+)?) MB/sec", RegexOptions.CultureInvariant),
    };

    private static readonly Regex Begin = new(@"lmbench-linux: begin (?<row>\S+)$", RegexOptions.CultureInvariant);
    private static readonly Regex Finished = new(@"lmbench-linux: done$|Kernel panic", RegexOptions.CultureInvariant);

    /// <summary>Reads a boot: every test's figure by row id (microseconds; MB/s for the pipe bandwidths). A test whose
    /// output does not match, a missing test or a kernel panic fails the boot.</summary>
    public static BootReading<LinuxRun> Read(IReadOnlyList<string> lines)
    {
        if (lines.FirstOrDefault(l => l.Contains("Kernel panic", StringComparison.Ordinal)) is string panic)
        {
            return BootReading<LinuxRun>.Failed(panic.Trim());
        }
        var figures = new Dictionary<string, double>(StringComparer.Ordinal);
        string? row = null;
        var output = new List<string>();
        foreach (string raw in lines)
        {
            string line = raw.TrimEnd('\r').Trim();
            if (Begin.Match(line) is { Success: true } begin)
            {
                (row, output) = (begin.Groups["row"].Value, []);
                continue;
            }
            if (line.EndsWith("lmbench-linux: end", StringComparison.Ordinal) && row is not null)
            {
                if (!Patterns.TryGetValue(row, out Regex? pattern))
                {
                    return BootReading<LinuxRun>.Failed($"the guest ran an unknown test '{row}'");
                }
                Match? figure = output.Select(l => pattern.Match(l)).LastOrDefault(m => m.Success);
                if (figure is null)
                {
                    return BootReading<LinuxRun>.Failed($"{row}: no figure in the output: {string.Join(" | ", output)}");
                }
                figures[row] = double.Parse(figure.Groups["v"].Value, CultureInfo.InvariantCulture);
                row = null;
                continue;
            }
            output.Add(line);
        }
        if (Patterns.Keys.FirstOrDefault(k => !figures.ContainsKey(k)) is string missing)
        {
            return BootReading<LinuxRun>.Failed($"no figure for {missing} (the guest did not finish)");
        }
        return BootReading<LinuxRun>.Measured(new LinuxRun(figures));
    }

    /// <summary>Boots the guest once and reads it.</summary>
    public static async Task<BootReading<LinuxRun>> RunOnceAsync(LinuxGuest guest, bool deterministic, CancellationToken cancel)
    {
        QemuOptions options = Options(guest.Vmlinux, guest.Initramfs, deterministic);
        QemuMachine machine = await QemuMachine.StartAsync(options, cancel: cancel).ConfigureAwait(false);
        await using (machine.ConfigureAwait(false))
        {
            try
            {
                await machine.Serial.WaitForLineAsync(Finished, Limit, cancel).ConfigureAwait(false);
            }
            catch (SerialWaitException)
            {
                // Read says what is missing.
            }
            await machine.KillAsync().ConfigureAwait(false);
            BootReading<LinuxRun> reading = Read(machine.Serial.Lines);
            return reading.Failure is null ? reading : BenchBoot.WithEvidence(reading, machine);
        }
    }

    /// <summary>The guest's QEMU options: CapOS's benchmark machine with the Linux kernel and the initramfs.</summary>
    public static QemuOptions Options(string vmlinux, string initramfs, bool deterministic) =>
        new QemuOptions { Kernel = vmlinux, Modules = [initramfs], KernelCommandLine = CommandLine, Accelerator = Accelerator.Tcg }
            with { Deterministic = deterministic };
}

/// <summary>One Linux boot's figures by row id: microseconds, MB/s for the pipe bandwidths (guest time: under icount
/// one microsecond is 1,000 instructions).</summary>
public sealed record LinuxRun(IReadOnlyDictionary<string, double> Figures);
