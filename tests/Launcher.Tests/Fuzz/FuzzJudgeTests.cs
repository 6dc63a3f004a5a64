using System;
using System.Linq;
using CapOS.Launcher.Fuzz;
using Xunit;

namespace CapOS.Launcher.Tests.Fuzz;

/// <summary>Every check of the fuzz judge (docs/fuzz.md "What pass means") on a good log and on one where it fails.</summary>
public class FuzzJudgeTests
{
    private static readonly TimeSpan Hang = TimeSpan.FromSeconds(30);

    private static readonly string[] Good =
    [
        "checkpoint: recovered seq=1 slot=0 log-objects=80 restart=5",
        "user[3]: fuzz: progress fuzzer=0 invocations=100 faults=2 results=0:40,1:30,2:20,other:10",
        "checkpoint: committed seq=2 images=4 log-pages=5 cow=0",
        "user[4]: fuzz: done fuzzer=1 invocations=1000 faults=9 results=0:400,1:300,3:200,other:100",
        "user[3]: fuzz: done fuzzer=0 invocations=1000 faults=7 results=0:500,4:400,other:100",
        "user[5]: fuzz: health ok banks=7 pages=12 nodes=3 drained=40",
        "user[5]: fuzz: warden done kicks=12",
        "checkpoint: committed seq=3 images=4 log-pages=5 cow=0",
    ];

    private static FuzzJudge Feed(string[] lines, int fuzzers = 2)
    {
        var judge = new FuzzJudge(fuzzers, Hang);
        for (int i = 0; i < lines.Length; i++)
        {
            judge.OnLine(lines[i], TimeSpan.FromSeconds(i));
            judge.OnTime(TimeSpan.FromSeconds(i));
        }

        return judge;
    }

    [Fact]
    public void AGoodRunIsCompleteWithItsFigures()
    {
        FuzzJudge judge = Feed(Good);

        Assert.Null(judge.Failure);
        Assert.True(judge.Complete);
        Assert.Equal(2, judge.Commits);
        Assert.Equal(12, judge.Kicks);
        FuzzSummary summary = FuzzSummary.From(judge);
        Assert.Equal(2000, summary.Invocations);
        Assert.Equal(16, summary.Faults);
        Assert.Equal(900, summary.Results["0 Ok"]);
        Assert.Equal(200, summary.Results["other (a message, or a kicked wait)"]);
        Assert.Contains("4 BadString", summary.Render(), StringComparison.Ordinal);
        Assert.Contains("services health        ok banks=7 pages=12 nodes=3 drained=40", summary.Render(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("user[5]: fuzz: health FAIL bank audit rule (2, 8589934597)")]
    [InlineData("user[5]: fuzz: health FAIL the pipe's status: result, flags (0, 4)")]
    [InlineData("user[5]: fuzz: health FAIL the prime bank does not allocate: result (9, 0)")]
    public void AFailedHealthCheckOfTheServicesFailsTheRun(string line)
    {
        string[] lines = [.. Good.Select(l => l.Contains("health ok", StringComparison.Ordinal) ? line : l)];

        FuzzJudge judge = Feed(lines);

        Assert.Contains("the services failed their health check", judge.Failure, StringComparison.Ordinal);
        Assert.Contains(line, judge.Failure, StringComparison.Ordinal);
        Assert.False(judge.Complete);
    }

    [Fact]
    public void ARunWithoutTheHealthCheckIsNeverComplete()
    {
        string[] lines = [.. Good.Where(l => !l.Contains("health ok", StringComparison.Ordinal))];

        FuzzJudge judge = Feed(lines);

        Assert.Null(judge.Failure);
        Assert.False(judge.Complete);
    }

    [Theory]
    [InlineData("PANIC: Stall.Add: already stalled (I1)")]
    [InlineData("EXCEPTION #GP at 0xffffffff80001234")]
    [InlineData("checkpoint: check failed: C4 bad ring on oid=0x1003")]
    [InlineData("checkpoint: failed seq=3: log full")]
    [InlineData("checkpoint: stopped seq=3: write error; last committed seq=2")]
    public void AFailureLineFailsTheRun(string line)
    {
        string[] lines = [.. Good[..3], line, .. Good[3..]];

        FuzzJudge judge = Feed(lines);

        Assert.Contains(line, judge.Failure, StringComparison.Ordinal);
        Assert.False(judge.Complete);
    }

    [Fact]
    public void NoProgressForTheHangLimitFailsTheRun()
    {
        var judge = new FuzzJudge(2, Hang);
        judge.OnLine(Good[1], TimeSpan.FromSeconds(1));
        judge.OnTime(TimeSpan.FromSeconds(20));
        Assert.Null(judge.Failure);

        judge.OnTime(TimeSpan.FromSeconds(32));

        Assert.StartsWith("hang: no progress for 30 s (fuzzers not done: 0,1", judge.Failure, StringComparison.Ordinal);
    }

    [Fact]
    public void DoneWithoutACommitAfterwardsIsNotComplete()
    {
        FuzzJudge judge = Feed(Good[..6]);

        Assert.Null(judge.Failure);
        Assert.False(judge.Complete);
    }

    [Fact]
    public void AMissingFuzzerIsNeverComplete()
    {
        FuzzJudge judge = Feed(Good, fuzzers: 3);

        Assert.False(judge.Complete);
        judge.OnExit("QEMU exited");
        Assert.StartsWith("the guest ended before every fuzzer was done", judge.Failure, StringComparison.Ordinal);
    }

    [Fact]
    public void AReportFromAFuzzerThatDoesNotExistFailsTheRun()
    {
        FuzzJudge judge = Feed(["user[9]: fuzz: done fuzzer=7 invocations=1 faults=0 results=other:1"]);

        Assert.Contains("fuzzer 7, which does not exist", judge.Failure, StringComparison.Ordinal);
    }
}
