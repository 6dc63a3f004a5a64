using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.RegularExpressions;
using CapOS.Harness;
using CapOS.Launcher.Plug;
using Xunit;

namespace CapOS.Launcher.Tests.Plug;

/// <summary>
/// The services workload's checks (docs/plug.md "The services workload") through <see cref="PlugJudge"/>: the
/// servers (space bank, pipe) are no workload roots (they print no steps and leave the restart list while they
/// wait for messages), the clients are; a <c>services: FAIL</c> line fails (S1); a boot
/// that ran the liveness limit must show a bank audit after the workload resumed (S2); the pipe's reader and
/// writer must go on from the step their recovered snapshot held (U2), so a stream that goes back past the
/// snapshot fails. Each with a synthesized log where it fails and one that passes.
/// </summary>
public class ServicesWorkloadJudgeTests
{
    private const ulong Bank = 0x1000;
    private const ulong Pipe = 0x101d;
    private const ulong Worker = 0x102b;
    private const ulong Writer = 0x1041;
    private const ulong Reader = 0x104c;

    private static readonly BootFacts Liveness = new(Cut: true, MustCommit: true, RanLiveness: true);

    /// <summary>Seq 7's snapshot came after the worker's step 40, the writer's 90 and the reader's 88.</summary>
    private static UserExpectation Expect()
    {
        var steps = new ContentsRecord<WorkloadSteps>();
        steps.Snapshot(7, WorkloadSteps.Of(new Dictionary<ulong, long> { [Worker] = 40, [Writer] = 90, [Reader] = 88 }));
        return PlugWorkloads.Expectation(PlugWorkload.Services, [Bank, Pipe, 0x2000, 0x2001, 0x2002, Worker, Writer, Reader], steps, new DigestBook())!;
    }

    private static string Step(int pid, ulong root, long step) => $"user[{pid}]: workload: step={step} digest={root ^ (ulong)step * 0x9E3779B9:x16}";

    /// <summary>A boot of seq 7: all five resumed, the clients step, the worker audits, a checkpoint commits.</summary>
    private static List<string> Boot() =>
    [
        "checkpoint: recovered seq=7 slot=1 log-objects=0 restart=5",
        $"proc: 1 resumed root=0x{Bank:x} state=running pc=0x400930",
        $"proc: 2 resumed root=0x{Pipe:x} state=running pc=0x400930",
        $"proc: 3 resumed root=0x{Worker:x} state=running pc=0x400930",
        $"proc: 4 resumed root=0x{Writer:x} state=running pc=0x400930",
        $"proc: 5 resumed root=0x{Reader:x} state=running pc=0x400930",
        Step(4, Writer, 91),
        Step(5, Reader, 89),
        Step(3, Worker, 41),
        "user[3]: services: audit ok banks=5 pages=12 nodes=9",
        Step(5, Reader, 90),
        "checkpoint: snapshot seq=8 dirty=30 pause-us=300",
        "checkpoint: stabilize seq=8",
        "checkpoint: committed seq=8 images=30 log-pages=31 cow=0",
    ];

    private static CycleVerdict Judge(IReadOnlyList<string> lines, BootFacts? facts = null) =>
        PlugJudge.Judge(lines, new BootExpectation(7, new ContentsRecord<MutatorContents>(), User: Expect()), facts ?? Liveness);

    [Fact]
    public void AResumedBootPassesThoughTheServersPrintNoSteps()
    {
        CycleVerdict verdict = Judge(Boot());

        Assert.Null(verdict.Failure);
        Assert.True(verdict.RecoveryComplete);
    }

    [Fact]
    public void AServerWaitingForAMessageNeedNotBeResumedButAClientMust()
    {
        List<string> lines = [.. Boot().Where(l => !l.Contains($"root=0x{Pipe:x}", System.StringComparison.Ordinal)
            && !l.Contains($"root=0x{Bank:x}", System.StringComparison.Ordinal))];

        Assert.Null(Judge(lines, new BootFacts(Cut: false)).Failure);
        Assert.Equal([Worker, Writer, Reader], Expect().Roots);
        lines.RemoveAll(l => l.Contains($"resumed root=0x{Reader:x}", System.StringComparison.Ordinal) || l.StartsWith("user[5]", System.StringComparison.Ordinal));
        Assert.Contains($"process root=0x{Reader:x} was not resumed", Judge(lines, new BootFacts(Cut: false)).Failure);
    }

    // S1
    [Theory]
    [InlineData("user[3]: services: FAIL the believed bank owns the object, slot=4 (0)")]
    [InlineData("user[5]: services: FAIL pipe stream: a record out of sequence at record=734003 (17)")]
    [InlineData("user[3]: services: FAIL bank audit rule=2 (8589934597)")]
    public void AServicesFailLineFails(string fail)
    {
        List<string> lines = Boot();
        lines.Insert(8, fail);

        Assert.Contains(fail, Judge(lines).Failure);
    }

    // S2
    [Fact]
    public void ABootWithoutAnAuditAfterItsRecoveryFailsOnceTheLivenessLimitRanOut()
    {
        List<string> lines = [.. Boot().Where(l => !l.Contains("audit ok", System.StringComparison.Ordinal))];

        Assert.Contains("no bank audit", Judge(lines).Failure);
        Assert.Null(Judge(lines, new BootFacts(Cut: true)).Failure);
    }

    // S2
    [Fact]
    public void AnAuditBeforeTheWorkloadResumedDoesNotCount()
    {
        List<string> lines = [.. Boot().Where(l => !l.Contains("audit ok", System.StringComparison.Ordinal))];
        lines.Insert(2, "user[3]: services: audit ok banks=5 pages=12 nodes=9");

        Assert.Contains("no bank audit", Judge(lines).Failure);
    }

    // U2 for the pipe: the reader's stream went back past what the recovered snapshot held.
    [Fact]
    public void AReaderThatGoesBackPastTheSnapshotFails()
    {
        List<string> lines = [.. Boot().Select(l => l == Step(5, Reader, 89) ? Step(5, Reader, 80) : l == Step(5, Reader, 90) ? Step(5, Reader, 81) : l)];

        Assert.Contains($"process root=0x{Reader:x} printed step 80 first after recovering seq 7", Judge(lines).Failure);
    }

    // U2 for the pipe: the writer went on from a later step than the snapshot held (data the checkpoint never had).
    [Fact]
    public void AWriterAheadOfTheSnapshotFails()
    {
        List<string> lines = [.. Boot().Select(l => l == Step(4, Writer, 91) ? Step(4, Writer, 95) : l)];

        Assert.Contains("it went on from a later step than the checkpoint held", Judge(lines).Failure);
    }

    [Fact]
    public void TheServicesWorkloadBootsServicesImgWithItsServersFirst()
    {
        Assert.Equal("services.img", PlugWorkloads.ImageName(PlugWorkload.Services));
        Assert.Equal("system/services.sys", PlugWorkloads.Description(PlugWorkload.Services));
        Assert.Equal(5, PlugWorkloads.Servers(PlugWorkload.Services));
        Assert.Equal(0, PlugWorkloads.Servers(PlugWorkload.User));
        Assert.Null(PlugWorkloads.Expectation(PlugWorkload.Kernel, [], new ContentsRecord<WorkloadSteps>(), new DigestBook()));
        string description = File.ReadAllText(Path.Combine(RepositoryLayout.Locate().Root, "system", "services.sys"));
        List<string> programs = [.. Regex.Matches(description, @"^process \S+ program (?<program>\S+)", RegexOptions.Multiline)
            .Select(m => m.Groups["program"].Value)];
        string[] servers = ["space-bank", "pipe", "process-creator", "constructor", "vcsk"];
        Assert.Equal(servers, programs.Take(PlugWorkloads.Servers(PlugWorkload.Services)));
        Assert.All(programs.Skip(servers.Length), p => Assert.DoesNotContain(p, servers));
    }
}
