using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;

namespace CapOS.Harness;

/// <summary>
/// Where the build puts what QEMU boots (the solution build writes artifacts/; docs/boot.md). Found by
/// walking up from a start directory to the folder holding CapOS.sln.
/// </summary>
public sealed class RepositoryLayout
{
    private RepositoryLayout(string root)
    {
        Root = root;
    }

    /// <summary>The repository root (holds CapOS.sln).</summary>
    public string Root { get; }

    /// <summary>The solution every build goes through.</summary>
    public string Solution => Path.Combine(Root, "CapOS.sln");

    /// <summary>Build outputs (git-ignored).</summary>
    public string Artifacts => Path.Combine(Root, "artifacts");

    /// <summary>The production kernel ELF (with symbols: gdb reads it): every boot but those of a test mode.</summary>
    public string KernelElf => Path.Combine(Artifacts, "kernel", "kernel.elf");

    /// <summary>The kernel's symbol map.</summary>
    public string KernelMap => Path.Combine(Artifacts, "kernel", "kernel.map");

    /// <summary>
    /// The test kernel (kernel/Testing/CapOS.Kernel.Testing.csproj): the production kernel plus the test modes
    /// <c>mutator</c>, <c>bench=checkpoint</c>, <c>test=disk</c> and <c>test=kernel-pagefault</c> (docs/boot.md "Options").
    /// Booted only where one of them is used.
    /// </summary>
    public string TestKernelElf => Path.Combine(Artifacts, "kernel", "kernel-test.elf");

    /// <summary>The test kernel's symbol map.</summary>
    public string TestKernelMap => Path.Combine(Artifacts, "kernel", "kernel-test.map");

    /// <summary>The GRUB (Multiboot2) boot CD.</summary>
    public string Iso => Path.Combine(Artifacts, "capos.iso");

    /// <summary>
    /// The pristine images imagegen writes from system/*.sys during the build (docs/imagegen.md "Build
    /// integration"). Nothing boots them in place: <c>run</c>, the tests, <c>plug</c> and <c>bench</c> boot copies.
    /// </summary>
    public string Images => Path.Combine(Artifacts, "images");

    /// <summary>The pristine image <paramref name="name"/> (for example <c>capos.img</c>, <c>plug.img</c>).</summary>
    public string PristineImage(string name) => Path.Combine(Images, name);

    /// <summary>The pristine image of the default system (system/capos.sys).</summary>
    public string PristineSystemImage => PristineImage(SystemImageName);

    /// <summary>The file name of the default system's image.</summary>
    public const string SystemImageName = "capos.img";

    /// <summary>
    /// The system's persistent disk, which <c>./capos run</c> boots in place: a copy of the pristine image made
    /// on the first run and kept across builds (docs/launcher.md "The persistent disk"). Outside artifacts/,
    /// so that cleaning the build output never throws away the system's state.
    /// </summary>
    public string PersistentDisk => Path.Combine(Root, "disk", SystemImageName);

    /// <summary>Where the persistent disk lived before it moved out of artifacts/ (adopted by the first run).</summary>
    public string LegacyPersistentDisk => Path.Combine(Artifacts, SystemImageName);

    /// <summary>True when <paramref name="path"/> lies in the pristine images' folder.</summary>
    public bool IsPristine(string path)
    {
        string folder = Path.GetFullPath(Images) + Path.DirectorySeparatorChar;
        return Path.GetFullPath(path).StartsWith(folder, StringComparison.Ordinal);
    }

    /// <summary>The cached verdict of the KVM probe boot.</summary>
    public string KvmProbeCache => Path.Combine(Artifacts, "kvm-probe.json");

    /// <summary>Finds the repository root at or above <paramref name="start"/>; throws if there is none.</summary>
    public static RepositoryLayout Locate(string start)
    {
        for (DirectoryInfo? directory = new(start); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "CapOS.sln")))
            {
                return new RepositoryLayout(directory.FullName);
            }
        }
        throw new DirectoryNotFoundException($"no CapOS.sln at or above {start}");
    }

    /// <summary>Finds the root from the running program's own location (bin/ lies inside the repository).</summary>
    public static RepositoryLayout Locate() => Locate(AppContext.BaseDirectory);

    /// <summary>Paths among the kernel artifacts (both kernels, which one build writes) that do not exist (empty when all are built).</summary>
    public IReadOnlyList<string> MissingKernelArtifacts()
    {
        var missing = new List<string>();
        foreach (string path in (IEnumerable<string>)[KernelElf, TestKernelElf])
        {
            if (!File.Exists(path))
            {
                missing.Add(Path.GetRelativePath(Root, path));
            }
        }
        return missing;
    }
}
