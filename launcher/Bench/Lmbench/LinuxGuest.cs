using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Security.Cryptography;
using System.Text;
using System.Threading;
using System.Threading.Tasks;

namespace CapOS.Launcher.Bench.Lmbench;

/// <summary>
/// The Linux guest of <c>bench lmbench</c> (docs/bench.md "lmbench"), assembled from Debian bookworm packages in a
/// cache directory the repository never tracks (cache/linux-guest/, gitignored): a private apt configuration (its
/// own sources list with <c>main non-free</c>, lists and archives under the cache; the system's sources are left
/// alone) downloads linux-image-amd64's kernel package, lmbench, busybox-static and libc6; <c>dpkg-deb -x</c>
/// unpacks them into root/; the kernel's XZ payload becomes vmlinux (booted through its PVH entry, as CapOS's
/// kernel is booted: <c>-kernel</c> with qboot); initramfs.cpio holds busybox as init, the lmbench binaries and
/// the libraries their ELF headers name. Everything is made once and reused.
/// </summary>
public sealed class LinuxGuest(string cacheDirectory)
{
    /// <summary>The cache directory under the repository root.</summary>
    public const string CacheDirectoryName = "cache/linux-guest";

    /// <summary>Where Debian's lmbench package puts its binaries.</summary>
    public const string LmbenchDirectory = "usr/lib/lmbench/bin/x86_64-linux-gnu";

    /// <summary>The lmbench programs the guest runs, and <c>hello</c>, which <c>lat_proc exec</c> executes.</summary>
    public static readonly string[] Programs = ["lat_syscall", "lat_pipe", "bw_pipe", "lat_ctx", "lat_proc", "lat_pagefault", "lat_mmap", "hello"];

    private static readonly string[] Packages = ["lmbench", "busybox-static", "libc6"];
    private static readonly string[] LibraryDirectories = ["lib/x86_64-linux-gnu", "usr/lib/x86_64-linux-gnu"];

    /// <summary>The uncompressed kernel.</summary>
    public string Vmlinux => Path.Combine(cacheDirectory, "vmlinux");

    /// <summary>The initramfs of today's /init (<see cref="InitramfsName"/>).</summary>
    public string Initramfs => Path.Combine(cacheDirectory, InitramfsName(LinuxLmbench.InitScript));

    /// <summary>The initramfs's file name for an /init script: it carries the script's hash, so a changed script
    /// (another test, another option) builds a new initramfs from the unpacked packages instead of booting the cached
    /// one with the old script (docs/bench.md "lmbench", L8).</summary>
    public static string InitramfsName(string initScript) =>
        "initramfs-" + Convert.ToHexStringLower(SHA256.HashData(Encoding.ASCII.GetBytes(initScript)))[..12] + ".cpio";

    private string Root => Path.Combine(cacheDirectory, "root");

    private string Apt => Path.Combine(cacheDirectory, "apt");

    /// <summary>Makes what is missing; returns null when the guest is ready, else why not.</summary>
    public async Task<string?> PrepareAsync(Action<string> progress, CancellationToken cancel)
    {
        if (File.Exists(Vmlinux) && File.Exists(Initramfs))
        {
            return null;
        }
        if (!Directory.Exists(Path.Combine(Root, LmbenchDirectory)) || !Directory.Exists(Path.Combine(Root, "boot")))
        {
            progress($"bench: fetching Debian bookworm packages into {CacheDirectoryName} (about 75 MB, once)");
            if (await FetchAsync(cancel).ConfigureAwait(false) is string fetchFailure)
            {
                return fetchFailure;
            }
        }
        if (!File.Exists(Vmlinux))
        {
            progress("bench: extracting vmlinux from the kernel package's bzImage");
            if (await ExtractKernelAsync(cancel).ConfigureAwait(false) is string kernelFailure)
            {
                return kernelFailure;
            }
        }
        NewcArchive archive = BuildInitramfs(Root);
        string partial = Initramfs + ".partial";
        await File.WriteAllBytesAsync(partial, archive.ToBytes(), cancel).ConfigureAwait(false);
        File.Move(partial, Initramfs, overwrite: true);
        return null;
    }

    /// <summary>The apt options that keep apt inside the cache: its own sources list, lists, archives and no lock.</summary>
    public static string[] AptOptions(string apt) =>
    [
        "-o", $"Dir::Etc::SourceList={Path.Combine(apt, "sources.list")}",
        "-o", "Dir::Etc::SourceParts=/dev/null",
        "-o", $"Dir::State::Lists={Path.Combine(apt, "lists")}",
        "-o", $"Dir::Cache={Path.Combine(apt, "cache")}",
        "-o", "Dir::Etc::Preferences=/dev/null",
        "-o", $"Dir::Etc::PreferencesParts={Path.Combine(apt, "preferences.d")}",
        "-o", "Debug::NoLocking=1",
        "-o", "APT::Sandbox::User=root",
    ];

    /// <summary>The sources list: Debian bookworm, main and non-free (lmbench is in non-free).</summary>
    public const string SourcesList =
        "deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] http://deb.debian.org/debian bookworm main non-free\n";

    /// <summary>The kernel package linux-image-amd64 depends on, from <c>apt-cache depends</c>'s output.</summary>
    public static string? KernelPackage(string dependsOutput) =>
        dependsOutput.Split('\n').Select(l => l.Trim())
            .Where(l => l.StartsWith("Depends: linux-image-", StringComparison.Ordinal))
            .Select(l => l["Depends: ".Length..].Trim()).FirstOrDefault();

    private async Task<string?> FetchAsync(CancellationToken cancel)
    {
        foreach (string directory in new[] { "lists/partial", "cache/archives/partial", "preferences.d" })
        {
            Directory.CreateDirectory(Path.Combine(Apt, directory));
        }
        await File.WriteAllTextAsync(Path.Combine(Apt, "sources.list"), SourcesList, cancel).ConfigureAwait(false);
        string[] options = AptOptions(Apt);
        var update = await HostProcess.RunAsync("apt-get", [.. options, "-q", "update"], null, null, cancel).ConfigureAwait(false);
        if (update.ExitCode != 0)
        {
            return $"apt-get update failed: {update.Error.Trim()}";
        }
        var depends = await HostProcess.RunAsync("apt-cache", [.. options, "depends", "linux-image-amd64"], null, null, cancel).ConfigureAwait(false);
        if (KernelPackage(Encoding.UTF8.GetString(depends.Output)) is not string kernel)
        {
            return "apt-cache depends linux-image-amd64 names no linux-image package";
        }
        string debs = Path.Combine(cacheDirectory, "debs");
        Directory.CreateDirectory(debs);
        var download = await HostProcess.RunAsync("apt-get", [.. options, "-q", "download", kernel, .. Packages], debs, null, cancel)
            .ConfigureAwait(false);
        if (download.ExitCode != 0)
        {
            return $"apt-get download failed: {download.Error.Trim()}";
        }
        Directory.CreateDirectory(Root);
        foreach (string deb in Directory.GetFiles(debs, "*.deb").Order(StringComparer.Ordinal))
        {
            var extract = await HostProcess.RunAsync("dpkg-deb", ["-x", deb, Root], null, null, cancel).ConfigureAwait(false);
            if (extract.ExitCode != 0)
            {
                return $"dpkg-deb -x {Path.GetFileName(deb)} failed: {extract.Error.Trim()}";
            }
        }
        return null;
    }

    private async Task<string?> ExtractKernelAsync(CancellationToken cancel)
    {
        string? bzImage = Directory.GetFiles(Path.Combine(Root, "boot"), "vmlinuz-*").Order(StringComparer.Ordinal).LastOrDefault();
        if (bzImage is null)
        {
            return $"no vmlinuz-* in {CacheDirectoryName}/root/boot";
        }
        byte[] image = await File.ReadAllBytesAsync(bzImage, cancel).ConfigureAwait(false);
        (int offset, int length) = BzImage.XzPayload(image);
        var xz = await HostProcess.RunAsync("xz", ["-dc"], null, image[offset..(offset + length)], cancel).ConfigureAwait(false);
        if (xz.ExitCode != 0 && xz.Output.Length == 0)
        {
            return $"xz -dc of the bzImage's payload failed: {xz.Error.Trim()}";
        }
        // The payload may be followed by padding xz reports as trailing garbage: the ELF is what counts.
        ElfDependencies.Read(xz.Output);
        await File.WriteAllBytesAsync(Vmlinux, xz.Output, cancel).ConfigureAwait(false);
        return null;
    }

    /// <summary>The initramfs from an unpacked root: directories, /dev/console, busybox, /init, the programs (in
    /// /usr/bin, and hello where lat_proc looks for it) and every library they need, found by their ELF headers.</summary>
    public static NewcArchive BuildInitramfs(string root)
    {
        var archive = new NewcArchive();
        foreach (string directory in new[] { "bin", "dev", "proc", "sys", "tmp", "lib", "lib64", "lib/x86_64-linux-gnu", "usr", "usr/bin", "var", "var/tmp", "var/tmp/lmbench" })
        {
            archive.AddDirectory(directory);
        }
        archive.AddCharacterDevice("dev/console", 5, 1);
        archive.AddFile("bin/busybox", ReadIn(root, "bin/busybox"), executable: true);
        archive.AddSymbolicLink("bin/sh", "busybox");
        archive.AddFile("init", Encoding.ASCII.GetBytes(LinuxLmbench.InitScript), executable: true);
        var wanted = new Queue<ElfDependencies>();
        foreach (string program in Programs)
        {
            byte[] binary = ReadIn(root, $"{LmbenchDirectory}/{program}");
            archive.AddFile($"usr/bin/{program}", binary, executable: true);
            wanted.Enqueue(ElfDependencies.Read(binary));
        }
        archive.AddFile("var/tmp/lmbench/hello", ReadIn(root, $"{LmbenchDirectory}/hello"), executable: true);
        while (wanted.TryDequeue(out ElfDependencies? needs))
        {
            if (needs.Interpreter is string interpreter && !archive.Contains(interpreter.TrimStart('/')))
            {
                archive.AddFile(interpreter.TrimStart('/'), ReadIn(root, interpreter.TrimStart('/')), executable: true);
            }
            foreach (string library in needs.Needed)
            {
                string name = $"lib/x86_64-linux-gnu/{library}";
                if (archive.Contains(name))
                {
                    continue;
                }
                string? found = LibraryDirectories.Select(d => $"{d}/{library}").FirstOrDefault(p => Resolve(root, p) is not null)
                    ?? throw new FileNotFoundException($"{library} is in none of the unpacked packages ({string.Join(", ", LibraryDirectories)})");
                byte[] bytes = ReadIn(root, found);
                archive.AddFile(name, bytes, executable: true);
                wanted.Enqueue(ElfDependencies.Read(bytes));
            }
        }
        return archive;
    }

    /// <summary>The file at <paramref name="path"/> inside <paramref name="root"/>, following symbolic links inside the
    /// root (dpkg-deb keeps absolute links, which must not lead to the host's files).</summary>
    public static byte[] ReadIn(string root, string path) =>
        File.ReadAllBytes(Resolve(root, path) ?? throw new FileNotFoundException($"{path} is not in the unpacked packages"));

    private static string? Resolve(string root, string path)
    {
        for (int hops = 0; hops < 16; hops++)
        {
            string full = Path.Combine(root, path.TrimStart('/'));
            var info = new FileInfo(full);
            if (info.LinkTarget is string target)
            {
                path = target.StartsWith('/') ? target : Path.Combine(Path.GetDirectoryName(path.TrimStart('/')) ?? "", target);
                continue;
            }
            // A directory link on the way (Debian's /lib64 in some packages) is resolved by the host: keep inside root.
            return info.Exists && Path.GetFullPath(full).StartsWith(Path.GetFullPath(root), StringComparison.Ordinal) ? full : null;
        }
        return null;
    }
}
