using System;
using System.IO;
using System.Runtime.CompilerServices;

namespace CapOS.TestSupport;

/// <summary>
/// Snapshot (golden-file) assertions in Verify's conventions, since Verify.Xunit cannot be restored here
/// (TOOLCHAIN.md): the expected text is <c>&lt;TestClass&gt;.&lt;TestMethod&gt;.verified.txt</c> beside the
/// test's source file, where the test class is named after its file (one class per file). On a mismatch,
/// or when no verified file exists, the actual text is written to <c>...received.txt</c> (git-ignored)
/// and the test fails with a diff summary. With <c>CAPOS_ACCEPT_SNAPSHOTS=1</c> the actual text is
/// accepted: written as the verified file. Line endings are normalized to \n on both sides.
/// </summary>
public static class Snapshot
{
    /// <summary>The environment variable that accepts new snapshots.</summary>
    public const string AcceptVariable = "CAPOS_ACCEPT_SNAPSHOTS";

    /// <summary>Compares <paramref name="actual"/> with the verified snapshot of the calling test.</summary>
    public static void Verify(string actual, [CallerFilePath] string sourceFile = "",
        [CallerMemberName] string testName = "")
    {
        Verify(actual, Environment.GetEnvironmentVariable(AcceptVariable) == "1", sourceFile, testName);
    }

    /// <summary>The verified file's path for a test.</summary>
    public static string VerifiedPath(string sourceFile, string testName) => PathFor(sourceFile, testName, "verified");

    /// <summary>The received file's path for a test.</summary>
    public static string ReceivedPath(string sourceFile, string testName) => PathFor(sourceFile, testName, "received");

    /// <summary>Verify with the accept switch passed in.</summary>
    internal static void Verify(string actual, bool accept, string sourceFile, string testName)
    {
        SnapshotOutcome outcome = Compare(actual, sourceFile, testName, accept);
        if (outcome.Failure is not null)
        {
            throw new SnapshotMismatchException(outcome.Failure);
        }
    }

    /// <summary>The comparison with the accept switch passed in (the part the helper's own tests drive).</summary>
    internal static SnapshotOutcome Compare(string actual, string sourceFile, string testName, bool accept)
    {
        if (sourceFile.Length == 0 || testName.Length == 0)
        {
            throw new ArgumentException("the caller's file and member name are needed to name the snapshot");
        }
        string text = Normalize(actual);
        string verified = VerifiedPath(sourceFile, testName);
        string received = ReceivedPath(sourceFile, testName);
        if (accept)
        {
            File.WriteAllText(verified, text);
            File.Delete(received);
            return new SnapshotOutcome(null);
        }
        if (!File.Exists(verified))
        {
            File.WriteAllText(received, text);
            return new SnapshotOutcome(
                $"no verified snapshot {Path.GetFileName(verified)}; the actual text is in {received}\n"
                + $"Review it, then rename it to .verified.txt or rerun with {AcceptVariable}=1.\n"
                + TextDiff.Summarize("", text));
        }
        string expected = Normalize(File.ReadAllText(verified));
        if (expected == text)
        {
            File.Delete(received);
            return new SnapshotOutcome(null);
        }
        File.WriteAllText(received, text);
        return new SnapshotOutcome(
            $"snapshot mismatch: {Path.GetFileName(verified)} (expected) vs {received} (actual)\n"
            + $"Accept with {AcceptVariable}=1 if the change is intended.\n"
            + TextDiff.Summarize(expected, text));
    }

    /// <summary>CRLF and CR become LF.</summary>
    internal static string Normalize(string text) =>
        text.Replace("\r\n", "\n", StringComparison.Ordinal).Replace('\r', '\n');

    private static string PathFor(string sourceFile, string testName, string kind)
    {
        string directory = Path.GetDirectoryName(sourceFile) ?? ".";
        string testClass = Path.GetFileNameWithoutExtension(sourceFile);
        return Path.Combine(directory, $"{testClass}.{testName}.{kind}.txt");
    }
}

/// <summary>The result of a comparison: null failure means it passed.</summary>
internal sealed record SnapshotOutcome(string? Failure);
