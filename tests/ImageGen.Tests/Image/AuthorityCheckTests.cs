using System;
using System.IO;
using CapOS.ImageGen.Image;
using Xunit;

namespace CapOS.ImageGen.Tests.Image;

/// <summary>
/// The authority check of <c>./capos fuzz</c> (docs/fuzz.md "The authority check"): a "final" image is the same
/// description with one object changed; the check passes when the roots' keys reach it, and fails naming it when
/// they do not.
/// </summary>
public sealed class AuthorityCheckTests : IDisposable
{
    private readonly TestPrograms _programs = new();

    public void Dispose() => _programs.Dispose();

    /// <summary>Restart 0 holds the greeting page; restart 1 a start key to restart 0 and its own secret page; the bystander nobody.</summary>
    private string Description(string greeting = "hi", string secret = "s", int bystander = 1) => $"""
        volume authority
        log-objects all
        root bystander
        node bystander
          slot 0 = number {bystander}
        page greeting text "{greeting}"
        page secret text "{secret}"
        program demo elf "{_programs.Hello()}"
        process first program demo
          key 1 = console
          key 2 = page greeting
        process second program demo stack-top 0x20000000
          key 5 = start first
          key 6 = page secret
        """;

    private (int Exit, string Output) Check(string final, params int[] roots)
    {
        VolumeImage before = VolumeImage.Open(ImageBuilder.Build(_programs.Parse(Description())));
        VolumeImage after = VolumeImage.Open(ImageBuilder.Build(_programs.Parse(final)));
        var output = new StringWriter();
        int exit = AuthorityCheck.Write(AuthorityCheck.Run(before, after, roots), roots, output);
        return (exit, output.ToString());
    }

    [Fact]
    public void NothingChangedPasses()
    {
        (int exit, string output) = Check(Description(), 0);

        Assert.Equal(0, exit);
        Assert.Contains("changed nodes=0 pages=0 outside=0", output, StringComparison.Ordinal);
    }

    [Fact]
    public void AChangeTheRootsReachPasses()
    {
        (int exit, string output) = Check(Description(greeting: "bye"), 0);

        Assert.Equal(0, exit);
        Assert.Contains("changed nodes=0 pages=1 outside=0", output, StringComparison.Ordinal);
    }

    [Fact]
    public void AStartKeyReachesItsProcessAndWhatItHolds()
    {
        (int exit, _) = Check(Description(greeting: "bye"), 1);

        Assert.Equal(0, exit);
    }

    [Fact]
    public void ANodeNoRootReachesChangedFailsNamingIt()
    {
        (int exit, string output) = Check(Description(bystander: 2), 0, 1);

        Assert.Equal(1, exit);
        Assert.Contains("authority: changed outside the roots' reach: node oid=0x1000: slot 0 changed", output, StringComparison.Ordinal);
    }

    [Fact]
    public void APageOnlyAnotherProcessReachesChangedFailsNamingIt()
    {
        (int exit, string output) = Check(Description(secret: "leaked"), 0);

        Assert.Equal(1, exit);
        Assert.Contains("authority: changed outside the roots' reach: page oid=", output, StringComparison.Ordinal);
        Assert.Contains("content changed", output, StringComparison.Ordinal);
    }

    [Fact]
    public void ARangeKeyReachesItsWholeRange()
    {
        string description = Description() + """

            page-range slack 8
            process banker program demo stack-top 0x30000000
              key 5 = range free-pages
            """;
        VolumeImage image = VolumeImage.Open(ImageBuilder.Build(_programs.Parse(description)));

        AuthorityCheck.Result without = AuthorityCheck.Run(image, image, [0]);
        AuthorityCheck.Result with = AuthorityCheck.Run(image, image, [0, 2]);

        Assert.Null(with.Refusal);
        Assert.True(with.ReachablePages >= without.ReachablePages + 8, $"{without.ReachablePages} -> {with.ReachablePages}");
    }

    [Fact]
    public void ARestartEntryThatDoesNotExistIsRefused()
    {
        (int exit, string output) = Check(Description(), 5);

        Assert.Equal(1, exit);
        Assert.Contains("authority: refused: restart entry 5 does not exist", output, StringComparison.Ordinal);
    }
}
