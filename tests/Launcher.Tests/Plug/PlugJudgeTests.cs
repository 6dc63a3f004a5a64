using System;
using System.IO;
using System.Linq;
using CapOS.Harness;
using CapOS.Launcher.Plug;
using CapOS.Launcher.Plug.Disk;
using Xunit;

namespace CapOS.Launcher.Tests.Plug;

/// <summary>Every check of the judge (C1-C9, docs/plug.md) with a log where it holds and one where it fails.</summary>
public class PlugJudgeTests
{
    private const string Recovered7 = "checkpoint: recovered seq=7 slot=1 log-objects=12 restart=3";
    private const string Mutator7 = $"mutator: recovered seq=7 step=40 digest={PlugLogs.Digest7} invariant=ok";
    private const string Committed8 = "checkpoint: committed seq=8 images=1 log-pages=1 cow=0";

    private static readonly BootFacts Cut = new(Cut: true);

    private static ContentsRecord<MutatorContents> Record()
    {
        var record = new ContentsRecord<MutatorContents>();
        record.Recovered(6, new MutatorContents(30, PlugLogs.Digest6));
        record.Snapshot(7, new MutatorContents(40, PlugLogs.Digest7));
        return record;
    }

    private static BootExpectation Expect(long floor = 7, WriteFault fault = WriteFault.None, bool checkContents = true) =>
        new(floor, Record(), checkContents, fault);

    private static CycleVerdict Judge(string[] lines, BootExpectation? expect = null, BootFacts? facts = null) =>
        PlugJudge.Judge(lines, expect ?? Expect(), facts ?? Cut);

    [Fact]
    public void ARecordedBootPasses()
    {
        CycleVerdict verdict = Judge(PlugLogs.Lines(PlugLogs.Boot));

        Assert.Null(verdict.Failure);
        Assert.True(verdict.RecoveryComplete);
        Assert.Equal(7, verdict.RecoveredSeq);
        Assert.Equal(new MutatorContents(40, PlugLogs.Digest7), verdict.Contents);
        Assert.Equal([8L, 9, 10], verdict.Snapshots.Select(s => s.Seq));
        Assert.Equal(new MutatorContents(52, PlugLogs.Digest9), verdict.Snapshots[1].Contents);
        Assert.Equal(9, verdict.MaxCommitted);
        Assert.Equal(CheckpointPhase.Stabilize, verdict.Phase);
        Assert.False(verdict.CutDuringRecovery);
        Assert.False(verdict.Stopped);
        Assert.Equal(3, verdict.CowCopies);
    }

    [Theory]
    [InlineData("checkpoint: snapshot seq=8 dirty=0 pause-us=1", CheckpointPhase.Snapshot)]
    [InlineData("checkpoint: stabilize seq=8", CheckpointPhase.Stabilize)]
    [InlineData(Committed8, CheckpointPhase.Commit)]
    [InlineData("checkpoint: migrate seq=8", CheckpointPhase.Migrate)]
    [InlineData("checkpoint: migrated seq=8", CheckpointPhase.Idle)]
    [InlineData("user[1]: hello from ring 3", CheckpointPhase.Idle)]
    public void ThePhaseIsWhereTheLastCheckpointLineLeftIt(string last, CheckpointPhase phase) =>
        Assert.Equal(phase, Judge([Recovered7, Mutator7, last]).Phase);

    // C1
    [Theory]
    [InlineData("store: cannot boot: both headers torn")]
    [InlineData("mutator: invariant broken: node 3 slot 2 points nowhere")]
    [InlineData("PANIC: object cache: frame leak")]
    [InlineData("checkpoint: check failed: page 0x2000 changed while clean")]
    [InlineData("checkpoint: failed seq=4: IoError")]
    [InlineData("checkpoint: header write failed seq=4 tries=8 (disk error 3): checkpoints stopped")]
    [InlineData("EXCEPTION 14 #PF error=0x2 rip=0xffff cr2=0x10")]
    public void FailureLinesFailAnywhere(string line)
    {
        Assert.Equal($"serial line 1: {line}", Judge([line]).Failure);
        Assert.True(Judge([line]).RecoveryComplete);
        Assert.Equal($"serial line 3: {line}", Judge([Recovered7, Mutator7, line]).Failure);
    }

    [Fact]
    public void AUserProcessFaultIsNotAFailure() =>
        Assert.Null(Judge([Recovered7, Mutator7, "fault: process 2 #GP rip=0x1 cr2=0x0 error=0x0; process stopped"]).Failure);

    // C2
    [Fact]
    public void MissingRecoveryLinesFailABootThatWasNotCut()
    {
        CycleVerdict none = Judge(["CapOS 0.1 x86-64"], facts: new BootFacts(Cut: false));
        CycleVerdict noMutator = Judge([Recovered7], facts: new BootFacts(Cut: false));

        Assert.Equal("no 'checkpoint: recovered' line", none.Failure);
        Assert.False(none.RecoveryComplete);
        Assert.Equal("no 'mutator: recovered' line after the checkpoint's", noMutator.Failure);
        Assert.False(noMutator.RecoveryComplete);
    }

    [Fact]
    public void ACutBeforeTheFirstCommitIsACutDuringRecoveryNotAFailure()
    {
        CycleVerdict beforeMutator = Judge(PlugLogs.Until("mutator: recovered"));
        CycleVerdict beforeCommit = Judge(PlugLogs.Until("checkpoint: committed"));
        CycleVerdict afterCommit = Judge(PlugLogs.Until("checkpoint: migrate seq=8"));

        Assert.Null(beforeMutator.Failure);
        Assert.True(beforeMutator.CutDuringRecovery);
        Assert.Null(beforeCommit.Failure);
        Assert.True(beforeCommit.CutDuringRecovery);
        Assert.False(afterCommit.CutDuringRecovery);
    }

    // C3
    [Fact]
    public void ARecoveryBelowTheExactFloorFails() =>
        Assert.Equal("recovered seq 7 is below the floor 8 (the newest valid header on the disk it booted from): a durable checkpoint was lost",
            Judge(PlugLogs.Lines(PlugLogs.Boot), Expect(floor: 8)).Failure);

    [Fact]
    public void ARecoveryAboveTheDiskFails() =>
        Assert.Equal("recovered seq 7, but the newest valid header on the disk it booted from is 6",
            Judge(PlugLogs.Lines(PlugLogs.Boot), Expect(floor: 6)).Failure);

    [Fact]
    public void AFallbackBelowAHeaderDurableInTheCrashImageFails()
    {
        // The boot image holds seq 7 in slot 0; the cut's log wrote header 8 into slot 1 and flushed it, then
        // crashed before printing 'committed': the crash image holds 8, and a recovery of 7 lost it.
        byte[] boot = TestVolume.Create(slot0: 7);
        LogWritesLog log = LogWritesReader.Read(new LogWritesBuilder()
            .Write(32, 1, 8).Flush().WriteBytes(TestVolume.SlotSector(1), TestVolume.Header(8)).Flush().Write(96, 2).Build());
        CrashPlan plan = CrashPlanner.Choose(log, new SplitMix64(5));
        byte[] image = (byte[])boot.Clone();
        CrashImageBuilder.Apply(new MemoryStream(image), log, plan);
        long floor = DiskHeaders.Read(new MemoryStream(image), TestVolume.Geometry).Newest;

        Assert.Equal(8, floor);
        Assert.Equal(floor, CrashHeaders.After(TestVolume.Geometry, boot.AsSpan(8192, 8192), log, plan).Newest);
        Assert.StartsWith("recovered seq 7 is below the floor 8", Judge(PlugLogs.Lines(PlugLogs.Boot), Expect(floor)).Failure);
    }

    // C4
    [Fact]
    public void ARecoveryWithTheWrongContentsFails()
    {
        string[] lines = PlugLogs.Lines(PlugLogs.Boot.Replace($"step=40 digest={PlugLogs.Digest7} invariant", $"step=40 digest={PlugLogs.Digest8} invariant", StringComparison.Ordinal));
        string[] wrongStep = PlugLogs.Lines(PlugLogs.Boot.Replace($"step=40 digest={PlugLogs.Digest7} invariant", $"step=41 digest={PlugLogs.Digest7} invariant", StringComparison.Ordinal));

        Assert.Equal($"recovered seq 7 holds step 40 digest {PlugLogs.Digest8}, but its snapshot held step 40 digest {PlugLogs.Digest7}: the checkpoint's contents are wrong",
            Judge(lines).Failure);
        Assert.StartsWith("recovered seq 7 holds step 41", Judge(wrongStep).Failure);
    }

    [Fact]
    public void ARecoveryOfASeqNoBootSnapshottedFails()
    {
        var record = new ContentsRecord<MutatorContents>();
        record.Recovered(1, new MutatorContents(0, PlugLogs.Digest6));

        Assert.Equal($"recovered seq 7 (step 40 digest {PlugLogs.Digest7}), a checkpoint no earlier boot snapshotted (recorded seqs 1..1)",
            PlugJudge.Judge(PlugLogs.Lines(PlugLogs.Boot), new BootExpectation(7, record), Cut).Failure);
    }

    [Fact]
    public void TheCampaignsFirstRecoveryNeedsNoRecord() =>
        Assert.Null(PlugJudge.Judge(PlugLogs.Lines(PlugLogs.Boot), new BootExpectation(7, new ContentsRecord<MutatorContents>()), Cut).Failure);

    [Fact]
    public void AMutatorLineWithoutADigestFails() =>
        Assert.Equal("serial line 2: the mutator's recovered line has no digest (contract K2)",
            Judge([Recovered7, "mutator: recovered seq=7 step=40 invariant=ok"]).Failure);

    [Fact]
    public void ASnapshotWithoutItsMutatorLineFails()
    {
        string[] lines = [.. PlugLogs.Lines(PlugLogs.Boot).Where(l => !l.StartsWith("mutator: snapshot seq=9", StringComparison.Ordinal))];

        Assert.Equal("serial line 23: snapshot seq=9 has no 'mutator: snapshot seq=9' line before the next checkpoint line (contract K1)",
            Judge(lines).Failure);
    }

    [Fact]
    public void ASnapshotCutBeforeItsMutatorLineIsNotAFailure() =>
        Assert.Null(Judge([Recovered7, Mutator7, "checkpoint: snapshot seq=8 dirty=3 pause-us=1"]).Failure);

    [Fact]
    public void UncheckedContentsSkipOnlyTheContents()
    {
        string[] old = [Recovered7, "mutator: recovered seq=7 step=40 invariant=ok", "checkpoint: snapshot seq=8 dirty=3 pause-us=1", "checkpoint: stabilize seq=8"];

        Assert.Null(Judge(old, Expect(checkContents: false)).Failure);
        Assert.StartsWith("recovered seq 7 is below", Judge(old, Expect(floor: 8, checkContents: false)).Failure);
    }

    // C5
    [Theory]
    [InlineData("checkpoint: committed seq=7 images=1 log-pages=1 cow=0")]
    [InlineData("checkpoint: committed seq=3 images=1 log-pages=1 cow=0")]
    public void ACommittedSeqMustBeNew(string committed) =>
        Assert.StartsWith("serial line 3: committed seq", Judge([Recovered7, Mutator7, committed]).Failure);

    [Fact]
    public void CommittedSeqsMustIncrease() =>
        Assert.Contains("committed seq 8 is not above 9",
            Judge([Recovered7, Mutator7, "checkpoint: committed seq=9 images=1 log-pages=1", Committed8]).Failure);

    // C6
    [Fact]
    public void ARecoveryThatNeverCommitsAgainFailsOnceTheLivenessLimitRanOut()
    {
        string[] stuck = PlugLogs.Until("checkpoint: committed");
        var ranOut = new BootFacts(Cut: false, MustCommit: true);

        Assert.Equal("recovered seq 7 and ran the liveness limit without committing a checkpoint", Judge(stuck, facts: ranOut).Failure);
        Assert.Null(Judge(PlugLogs.Lines(PlugLogs.Boot), facts: ranOut).Failure);
        Assert.Null(Judge(stuck, facts: Cut).Failure);
    }

    // C7
    [Fact]
    public void AStopWithoutAPersistentErrorFails()
    {
        string[] lines = [Recovered7, Mutator7, Committed8, "checkpoint: stopped seq=9: header write failed (disk error 3); last committed seq=8"];

        Assert.Equal($"serial line 4: {lines[3]}: checkpointing stopped, but no persistent write error was injected", Judge(lines).Failure);
        Assert.EndsWith("no persistent write error was injected", Judge(lines, Expect(fault: WriteFault.Persistent)).Failure);
        Assert.EndsWith("after a transient write error (a retry gets past it)",
            Judge(lines, Expect(fault: WriteFault.Transient), new BootFacts(true, ErrorAt: 3)).Failure);
        CycleVerdict persistent = Judge(lines, Expect(fault: WriteFault.Persistent), new BootFacts(true, ErrorAt: 3));
        Assert.Null(persistent.Failure);
        Assert.True(persistent.Stopped);
    }

    [Fact]
    public void APersistentErrorMustStopCheckpointingLoudly()
    {
        string[] silent = [Recovered7, Mutator7, Committed8, "checkpoint: write error seq=9 what=header try=1 (disk error 3)"];

        Assert.Equal("a persistent write error was hit, but checkpointing did not stop loudly ('checkpoint: stopped') within the limit",
            Judge(silent, Expect(fault: WriteFault.Persistent), new BootFacts(true, ErrorAt: 3, ReactionTimedOut: true)).Failure);
        Assert.Null(Judge(silent, Expect(fault: WriteFault.Persistent), new BootFacts(true, ErrorAt: 3)).Failure);
    }

    [Fact]
    public void NothingCommitsAfterAStop() =>
        Assert.Equal($"'{Committed8}' after checkpointing stopped",
            Judge([Recovered7, Mutator7, "checkpoint: stopped seq=8: log write failed; last committed seq=7", Committed8],
                Expect(fault: WriteFault.Persistent), new BootFacts(true, ErrorAt: 2)).Failure);

    // C8
    [Fact]
    public void AWriteErrorWithoutAnInjectedOneFails()
    {
        string[] lines = [Recovered7, Mutator7, "checkpoint: write error seq=8 what=log try=1 (disk error 3)", Committed8];

        Assert.EndsWith("a write error, but no error was injected (the disk chain misbehaved)", Judge(lines).Failure);
        Assert.Null(Judge(lines, Expect(fault: WriteFault.Transient), new BootFacts(true, ErrorAt: 2)).Failure);
        Assert.Equal(1, Judge(lines, Expect(fault: WriteFault.Transient), new BootFacts(true, ErrorAt: 2)).WriteErrors);
    }

    [Fact]
    public void ATransientErrorMustBeFollowedByACommit()
    {
        string[] lines = [Recovered7, Mutator7, Committed8, "checkpoint: write error seq=9 what=migrate try=1 (disk error 3)"];
        var timedOut = new BootFacts(true, ErrorAt: 3, ReactionTimedOut: true);

        Assert.Equal("after a transient write error no checkpoint committed within the limit",
            Judge(lines, Expect(fault: WriteFault.Transient), timedOut).Failure);
        Assert.Null(Judge([.. lines, "checkpoint: committed seq=9 images=1 log-pages=1 cow=0"], Expect(fault: WriteFault.Transient), timedOut).Failure);
    }

    [Fact]
    public void AnErrorInTheBootsRedoOfMigrationIsACutDuringRecovery()
    {
        // Persistent error at the first write: the redo of migration gives up and checkpointing stops before the
        // mutator's line.
        string[] lines = [Recovered7, "checkpoint: migrate seq=7", "checkpoint: write error seq=7 what=migrate try=1 (disk error 3)",
            "checkpoint: stopped seq=7: migration write failed (disk error 3); last committed seq=7"];

        CycleVerdict verdict = Judge(lines, Expect(fault: WriteFault.Persistent), new BootFacts(true, ErrorAt: 2));

        Assert.Null(verdict.Failure);
        Assert.True(verdict.CutDuringRecovery);
    }

    // C9
    [Fact]
    public void ACommittedCheckpointMissingFromTheDiskAfterTheCutFails()
    {
        CycleVerdict verdict = Judge(PlugLogs.Lines(PlugLogs.Boot));

        Assert.Equal("the boot printed 'committed seq=9', but the newest valid header on the disk after the cut is 8",
            PlugJudge.JudgeCut(verdict, 8));
        Assert.Null(PlugJudge.JudgeCut(verdict, 9));
        Assert.Null(PlugJudge.JudgeCut(verdict, 10));
    }

    [Fact]
    public void RecoverySettlesOnTheMutatorOrAFailureLine()
    {
        Assert.False(PlugJudge.Settled([Recovered7], Expect()));
        Assert.True(PlugJudge.Settled([Recovered7, Mutator7], Expect()));
        Assert.True(PlugJudge.Settled(["PANIC: x"], Expect()));
    }
}
