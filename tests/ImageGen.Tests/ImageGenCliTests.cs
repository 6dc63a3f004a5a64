using System;
using System.IO;
using CapOS.ImageGen.Tests.Image;
using Xunit;

namespace CapOS.ImageGen.Tests;

/// <summary>The command line end to end, in-process: exit codes and the files written.</summary>
public sealed class ImageGenCliTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("imagegen-cli").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private (int Code, string Output, string Error) Run(params string[] args)
    {
        var output = new StringWriter { NewLine = "\n" };
        var error = new StringWriter { NewLine = "\n" };
        int code = ImageGenCli.Run(args, output, error);
        return (code, output.ToString(), error.ToString());
    }

    private string Spec(string text)
    {
        string path = Path.Combine(_folder, "spec.sys");
        File.WriteAllText(path, text);
        return path;
    }

    [Fact]
    public void BuildCheckDigestDump()
    {
        string image = Path.Combine(_folder, "small.img");
        var build = Run("build", Spec(TestImages.Small), "-o", image);
        Assert.Equal((0, ""), (build.Code, build.Error));
        Assert.Equal("imagegen: small.img: 42 pages, 6 objects, root top=0x1000\n", build.Output);
        Assert.Equal(TestImages.Build(TestImages.Small), File.ReadAllBytes(image));
        Assert.False(File.Exists(image + ".tmp"));

        var check = Run("check", image);
        Assert.Equal(0, check.Code);
        Assert.EndsWith("check: clean (1 warnings)\n", check.Output, StringComparison.Ordinal);

        var digest = Run("digest", image);
        Assert.Equal(0, digest.Code);
        Assert.StartsWith("digest: root=0x1000 nodes=2 pages=4 digest=", digest.Output, StringComparison.Ordinal);
        Assert.Equal(digest.Output, Run("digest", image, "--root", "4096").Output);

        var dump = Run("dump", image);
        Assert.Equal(0, dump.Code);
        Assert.Contains("root: 0x1000 (first node OID)", dump.Output, StringComparison.Ordinal);
    }

    [Fact]
    public void DescriptionErrorExitsTwoAndWritesNothing()
    {
        string image = Path.Combine(_folder, "bad.img");
        var build = Run("build", Spec("volume v\nnode a\n  slot 0 = node b\n"), "-o", image);
        Assert.Equal(2, build.Code);
        Assert.EndsWith("spec.sys:3:17: 'b' is not declared\n", build.Error, StringComparison.Ordinal);
        Assert.False(File.Exists(image));
        Assert.False(File.Exists(image + ".tmp"));
    }

    [Fact]
    public void DamagedImageMakesCheckExitOne()
    {
        string image = Path.Combine(_folder, "damaged.img");
        Assert.Equal(0, Run("build", Spec(TestImages.Small), "-o", image).Code);
        byte[] bytes = File.ReadAllBytes(image);
        bytes[100] ^= 0x40;
        File.WriteAllBytes(image, bytes);
        var check = Run("check", image);
        Assert.Equal(1, check.Code);
        Assert.Contains("fault: volume header page 0: volume header: CRC mismatch\n", check.Output, StringComparison.Ordinal);
        Assert.EndsWith("check: 1 faults, 1 warnings\n", check.Output, StringComparison.Ordinal);
        Assert.Equal(0, Run("digest", image).Code); // recovery uses the copy in page 1
    }

    [Fact]
    public void UsageAndIoErrorsExitTwo()
    {
        Assert.Equal(2, Run("build", Spec(TestImages.Small)).Code);
        Assert.Equal(2, Run("frobnicate").Code);
        Assert.Equal(2, Run("check", Path.Combine(_folder, "missing.img")).Code);
        string image = Path.Combine(_folder, "small.img");
        Assert.Equal(0, Run("build", Spec(TestImages.Small), "-o", image).Code);
        Assert.Equal(2, Run("digest", image, "--root", "zzz").Code);
        Assert.Equal(2, Run("digest", image, "--root", "0x100000").Code);
    }

    [Fact]
    public void UnreadableImageMakesDumpAndDigestExitOne()
    {
        string image = Path.Combine(_folder, "zero.img");
        File.WriteAllBytes(image, new byte[8 * 4096]);
        var dump = Run("dump", image);
        Assert.Equal(1, dump.Code);
        Assert.Contains("fatal: no valid volume header", dump.Output, StringComparison.Ordinal);
        Assert.Equal(1, Run("digest", image).Code);
        Assert.Equal(1, Run("check", image).Code);
    }

    [Fact]
    public void ProgramPathsAreRelativeToTheArtifactsOption()
    {
        using var programs = new TestPrograms();
        string image = Path.Combine(_folder, "procs.img");
        string spec = Spec(ProcessListingTests.Description(programs));
        var build = Run("build", spec, "-o", image, "--artifacts", programs.Artifacts);
        Assert.Equal((0, ""), (build.Code, build.Error));
        Assert.Equal("imagegen: procs.img: 86 pages, 35 objects, root first=0x1000, 2 processes\n", build.Output);
        Assert.EndsWith("check: clean (0 warnings)\n", Run("check", image).Output, StringComparison.Ordinal);

        // Outside a repository with no --artifacts, a program cannot be found.
        var missing = Run("build", spec, "-o", image + ".2");
        Assert.Equal(2, missing.Code);
        Assert.Contains("spec.sys:5:18: program paths are relative to the artifacts folder: give --artifacts <folder>", missing.Error, StringComparison.Ordinal);
    }
}
