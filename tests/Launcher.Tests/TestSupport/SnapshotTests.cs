using System;
using System.IO;
using CapOS.TestSupport;
using Xunit;

namespace CapOS.Launcher.Tests.TestSupport;

/// <summary>The snapshot helper, driven against a fake test source file in a temporary folder.</summary>
public sealed class SnapshotTests : IDisposable
{
    private readonly DirectoryInfo _directory = Directory.CreateTempSubdirectory("capos-snapshot-test-");

    private string Source => Path.Combine(_directory.FullName, "DumpTests.cs");

    private string Verified => Path.Combine(_directory.FullName, "DumpTests.ListsNodes.verified.txt");

    private string Received => Path.Combine(_directory.FullName, "DumpTests.ListsNodes.received.txt");

    [Fact]
    public void NamesFilesAfterClassAndMethodBesideTheSource()
    {
        Assert.Equal(Verified, Snapshot.VerifiedPath(Source, "ListsNodes"));
        Assert.Equal(Received, Snapshot.ReceivedPath(Source, "ListsNodes"));
    }

    [Fact]
    public void MatchPassesAndRemovesAStaleReceivedFile()
    {
        File.WriteAllText(Verified, "node 1\nnode 2\n");
        File.WriteAllText(Received, "old");

        Assert.Null(Snapshot.Compare("node 1\nnode 2\n", Source, "ListsNodes", accept: false).Failure);
        Assert.False(File.Exists(Received));
    }

    [Fact]
    public void LineEndingsAreNormalized()
    {
        File.WriteAllText(Verified, "a\r\nb\r\n");

        Assert.Null(Snapshot.Compare("a\nb\r\n", Source, "ListsNodes", accept: false).Failure);
    }

    [Fact]
    public void MismatchWritesReceivedAndDiffs()
    {
        File.WriteAllText(Verified, "header\nnode 1\nnode 2\nfooter\n");

        string? failure = Snapshot.Compare("header\nnode 1\nnode 3\nfooter\n", Source, "ListsNodes", accept: false).Failure;

        Assert.NotNull(failure);
        Assert.Contains("- node 2\n+ node 3\n", failure);
        Assert.Equal("header\nnode 1\nnode 3\nfooter\n", File.ReadAllText(Received));
        Assert.Equal("header\nnode 1\nnode 2\nfooter\n", File.ReadAllText(Verified));
    }

    [Fact]
    public void MissingVerifiedFileFailsAndWritesReceived()
    {
        string? failure = Snapshot.Compare("new\r\n", Source, "ListsNodes", accept: false).Failure;

        Assert.NotNull(failure);
        Assert.Contains("no verified snapshot", failure);
        Assert.Equal("new\n", File.ReadAllText(Received));
        Assert.False(File.Exists(Verified));
    }

    [Fact]
    public void AcceptWritesVerifiedAndRemovesReceived()
    {
        File.WriteAllText(Verified, "old\n");
        File.WriteAllText(Received, "new\n");

        Assert.Null(Snapshot.Compare("new\r\n", Source, "ListsNodes", accept: true).Failure);
        Assert.Equal("new\n", File.ReadAllText(Verified));
        Assert.False(File.Exists(Received));
    }

    [Fact]
    public void VerifyThrowsAnXunitFailure()
    {
        Assert.Throws<SnapshotMismatchException>(() => Snapshot.Verify("x", accept: false, Source, "ListsNodes"));
    }

    [Fact]
    public void VerifyUsesTheCallersFileAndName()
    {
        Snapshot.Verify("this file is the snapshot of the test that checks the caller's names\n");
    }

    public void Dispose() => _directory.Delete(recursive: true);
}
