using System;
using System.IO;
using System.Linq;
using System.Text;
using CapOS.Launcher.Bench.Lmbench;
using Xunit;

namespace CapOS.Launcher.Tests.Bench.Lmbench;

public class LinuxLmbenchTests
{
    /// <summary>Recorded from the guest (Debian bookworm 6.1.0-50 kernel, lmbench 3.0-a9+debian.1-6, QEMU 7.2.22,
    /// <c>-icount shift=0</c>, 2026-12-04), when bw_pipe ran with its default 64 KiB messages: that figure stands in
    /// both pipe-bandwidth blocks here (the parser does not look at the size; the boot with <c>-m 4096</c> gave
    /// 671 MB/s, docs/bench.md "Pipe").</summary>
    private const string Recorded = """
        lmbench-linux: start
        lmbench-linux: begin null-call
        Simple syscall: 0.3273 microseconds
        lmbench-linux: end
        lmbench-linux: begin ctx-switch

        "size=0k ovr=2.37
        2 4.13
        lmbench-linux: end
        lmbench-linux: begin page-fault
        Pagefaults on /tmp/lmbench.file: 1.0610 microseconds
        lmbench-linux: end
        lmbench-linux: begin heap-growth
        1.048576 39
        lmbench-linux: end
        lmbench-linux: begin fork
        Process fork+exit: 380.6667 microseconds
        lmbench-linux: end
        lmbench-linux: begin proc-create
        Process fork+execve: 1256.4000 microseconds
        lmbench-linux: end
        lmbench-linux: begin pipe-latency
        Pipe latency: 12.9551 microseconds
        lmbench-linux: end
        lmbench-linux: begin pipe-bandwidth
        Pipe bandwidth: 1309.69 MB/sec
        lmbench-linux: end
        lmbench-linux: begin pipe-bandwidth-64k
        Pipe bandwidth: 1309.69 MB/sec
        lmbench-linux: end
        lmbench-linux: done
        """;

    private static string[] Lines => Recorded.Split('\n');

    [Fact]
    public void ReadsEveryTestsFigure()
    {
        LinuxRun run = LinuxLmbench.Read(Lines).Value!;

        Assert.Equal(0.3273, run.Figures["null-call"]);
        Assert.Equal(4.13, run.Figures["ctx-switch"]);
        Assert.Equal(1.061, run.Figures["page-fault"]);
        Assert.Equal(39, run.Figures["heap-growth"]);
        Assert.Equal(380.6667, run.Figures["fork"]);
        Assert.Equal(1256.4, run.Figures["proc-create"]);
        Assert.Equal(12.9551, run.Figures["pipe-latency"]);
        Assert.Equal(1309.69, run.Figures["pipe-bandwidth"]);
        Assert.Equal(1309.69, run.Figures["pipe-bandwidth-64k"]);
    }

    [Fact]
    public void ConsoleCarriageReturnsAndPrefixesAreTolerated()
    {
        LinuxRun run = LinuxLmbench.Read([.. Lines.Select(l => l + "\r")]).Value!;

        Assert.Equal(9, run.Figures.Count);
    }

    [Fact]
    public void ATestWithoutItsFigureFailsTheBootNamingIt()
    {
        string[] lines = [.. Lines.Where(l => !l.StartsWith("Pipe latency:", StringComparison.Ordinal))];

        Assert.StartsWith("pipe-latency: no figure in the output", LinuxLmbench.Read(lines).Failure, StringComparison.Ordinal);
    }

    [Fact]
    public void AGuestThatStopsEarlyFails()
    {
        string[] lines = [.. Lines.TakeWhile(l => !l.Contains("begin pipe-bandwidth", StringComparison.Ordinal))];

        Assert.Equal("no figure for pipe-bandwidth (the guest did not finish)", LinuxLmbench.Read(lines).Failure);
    }

    [Fact]
    public void AKernelPanicFails()
    {
        Assert.StartsWith("Kernel panic", LinuxLmbench.Read(["[    2.9] Kernel panic - not syncing: No working init found."]).Failure!
            .Split(']')[1].Trim(), StringComparison.Ordinal);
    }

    [Fact]
    public void AChangedInitScriptNamesAnotherInitramfs()
    {
        string today = LinuxGuest.InitramfsName(LinuxLmbench.InitScript);

        Assert.Matches(@"^initramfs-[0-9a-f]{12}\.cpio$", today);
        Assert.Equal(today, LinuxGuest.InitramfsName(LinuxLmbench.InitScript));
        Assert.NotEqual(today, LinuxGuest.InitramfsName(LinuxLmbench.InitScript.Replace("bw_pipe -m 4096", "bw_pipe", StringComparison.Ordinal)));
    }

    [Fact]
    public void TheInitScriptRunsEveryTestThePatternsKnow()
    {
        foreach (string row in LinuxLmbench.Patterns.Keys)
        {
            Assert.Contains($"run {row} ", LinuxLmbench.InitScript, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void TheGuestBootsWithTheBenchmarkMachineAndIcountWhenDeterministic()
    {
        var options = LinuxLmbench.Options("vmlinux", "initramfs.cpio", deterministic: true);

        Assert.Equal(256, options.MemoryMiB);
        Assert.Null(options.Cpu);
        Assert.True(options.Deterministic);
        Assert.Equal(["initramfs.cpio"], options.Modules);
    }

    [Fact]
    public void TheKernelPackageComesFromAptCacheDepends()
    {
        const string depends = "linux-image-amd64\n  Depends: linux-image-6.1.0-50-amd64\n";

        Assert.Equal("linux-image-6.1.0-50-amd64", LinuxGuest.KernelPackage(depends));
        Assert.Null(LinuxGuest.KernelPackage("linux-image-amd64\n"));
    }

    [Fact]
    public void AptStaysInsideTheCache()
    {
        string[] options = LinuxGuest.AptOptions("/c/apt");

        Assert.Contains("Dir::Etc::SourceList=/c/apt/sources.list", options);
        Assert.Contains("Dir::Etc::SourceParts=/dev/null", options);
        Assert.Contains("Dir::State::Lists=/c/apt/lists", options);
        Assert.Contains("Dir::Cache=/c/apt/cache", options);
        Assert.Contains("non-free", LinuxGuest.SourcesList, StringComparison.Ordinal);
    }

    [Fact]
    public void TheInitramfsHoldsInitBusyboxTheProgramsAndTheLibrariesTheyNeed()
    {
        string root = Directory.CreateTempSubdirectory("lmbench-root-").FullName;
        try
        {
            void Put(string path, byte[] bytes)
            {
                Directory.CreateDirectory(Path.GetDirectoryName(Path.Combine(root, path))!);
                File.WriteAllBytes(Path.Combine(root, path), bytes);
            }
            Put("bin/busybox", ElfDependenciesTests.Elf(null));
            foreach (string program in LinuxGuest.Programs)
            {
                Put($"{LinuxGuest.LmbenchDirectory}/{program}", ElfDependenciesTests.Elf("/lib64/ld-linux-x86-64.so.2", "libc.so.6"));
            }
            Put("lib/x86_64-linux-gnu/libc.so.6", ElfDependenciesTests.Elf("/lib64/ld-linux-x86-64.so.2", "libdep.so.1"));
            Put("usr/lib/x86_64-linux-gnu/libdep.so.1", ElfDependenciesTests.Elf(null));
            Put("lib/x86_64-linux-gnu/ld-linux-x86-64.so.2", ElfDependenciesTests.Elf(null));
            Directory.CreateDirectory(Path.Combine(root, "lib64"));
            // dpkg-deb keeps Debian's absolute link: it must be followed inside the root, not on the host.
            File.CreateSymbolicLink(Path.Combine(root, "lib64/ld-linux-x86-64.so.2"), "/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2");

            NewcArchive archive = LinuxGuest.BuildInitramfs(root);

            foreach (string name in new[] { "init", "bin/busybox", "dev/console", "usr/bin/lat_syscall", "usr/bin/bw_pipe", "var/tmp/lmbench/hello",
                "lib64/ld-linux-x86-64.so.2", "lib/x86_64-linux-gnu/libc.so.6", "lib/x86_64-linux-gnu/libdep.so.1" })
            {
                Assert.True(archive.Contains(name), name);
            }
            Assert.Contains("lmbench-linux: done", Encoding.ASCII.GetString(archive.ToBytes()), StringComparison.Ordinal);

            File.Delete(Path.Combine(root, "usr/lib/x86_64-linux-gnu/libdep.so.1"));
            Assert.Contains("libdep.so.1", Assert.Throws<FileNotFoundException>(() => LinuxGuest.BuildInitramfs(root)).Message, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }
}
