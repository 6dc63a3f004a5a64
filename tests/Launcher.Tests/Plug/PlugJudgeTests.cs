using CapOS.Launcher.Plug;
using Xunit;

namespace CapOS.Launcher.Tests.Plug;

public class PlugJudgeTests
{
    private const string Recovered7 = "checkpoint: recovered seq=7 slot=1 log-objects=12 restart=3";
    private const string Mutator7 = "mutator: recovered seq=7 step=40 invariant=ok";

    [Fact]
    public void AGoodBootRaisesTheFloorToTheLastCommittedSeq()
    {
        CycleVerdict verdict = PlugJudge.Judge(
        [
            "CapOS 0.1 x86-64", Recovered7, Mutator7,
            "checkpoint: snapshot seq=8 dirty=3 pause-us=40", "checkpoint: stabilize seq=8",
            "checkpoint: committed seq=8 images=3 log-pages=2", "checkpoint: migrate seq=8", "checkpoint: migrated seq=8",
            "checkpoint: snapshot seq=9 dirty=1 pause-us=30", "checkpoint: stabilize seq=9",
        ], floor: 7);

        Assert.Null(verdict.Failure);
        Assert.True(verdict.RecoveryComplete);
        Assert.Equal(7, verdict.RecoveredSeq);
        Assert.Equal(40, verdict.Step);
        Assert.Equal(8, verdict.MaxCommitted);
        Assert.Equal(8, verdict.Floor);
        Assert.Equal(CheckpointPhase.Stabilize, verdict.Phase);
    }

    [Theory]
    [InlineData("checkpoint: snapshot seq=8 dirty=0 pause-us=1", CheckpointPhase.Snapshot)]
    [InlineData("checkpoint: stabilize seq=8", CheckpointPhase.Stabilize)]
    [InlineData("checkpoint: committed seq=8 images=0 log-pages=0", CheckpointPhase.Commit)]
    [InlineData("checkpoint: migrate seq=8", CheckpointPhase.Migrate)]
    [InlineData("checkpoint: migrated seq=8", CheckpointPhase.Idle)]
    [InlineData("user[1]: hello from ring 3", CheckpointPhase.Idle)]
    public void ThePhaseIsWhereTheLastCheckpointLineLeftIt(string last, CheckpointPhase phase) =>
        Assert.Equal(phase, PlugJudge.Judge([Recovered7, Mutator7, last], 0).Phase);

    [Fact]
    public void ARecoveryBelowTheFloorFails()
    {
        CycleVerdict verdict = PlugJudge.Judge([Recovered7, Mutator7], floor: 8);

        Assert.Equal("recovered seq 7 is below the floor 8: a committed checkpoint was lost", verdict.Failure);
        Assert.Equal(8, verdict.Floor);
    }

    [Fact]
    public void ARecoveryAboveTheFloorPassesAndRaisesIt()
    {
        CycleVerdict verdict = PlugJudge.Judge([Recovered7, Mutator7], floor: 5);

        Assert.Null(verdict.Failure);
        Assert.Equal(7, verdict.Floor);
    }

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
        Assert.Equal($"serial line 1: {line}", PlugJudge.Judge([line], 0).Failure);
        Assert.True(PlugJudge.Judge([line], 0).RecoveryComplete);
        Assert.Equal($"serial line 3: {line}", PlugJudge.Judge([Recovered7, Mutator7, line], 0).Failure);
    }

    [Fact]
    public void AUserProcessFaultIsNotAFailure()
    {
        CycleVerdict verdict = PlugJudge.Judge(
            [Recovered7, Mutator7, "fault: process 2 #GP rip=0x1 cr2=0x0 error=0x0; process stopped"], floor: 5);

        Assert.Null(verdict.Failure);
    }

    [Fact]
    public void MissingLinesFailButDoNotSettleRecovery()
    {
        CycleVerdict none = PlugJudge.Judge(["CapOS 0.1 x86-64"], 0);
        CycleVerdict noMutator = PlugJudge.Judge([Recovered7], 0);

        Assert.Equal("no 'checkpoint: recovered' line", none.Failure);
        Assert.False(none.RecoveryComplete);
        Assert.Equal("no 'mutator: recovered' line after the checkpoint's", noMutator.Failure);
        Assert.False(noMutator.RecoveryComplete);
    }

    [Fact]
    public void TheMutatorMustRecoverTheSameSeq() =>
        Assert.Equal("the mutator recovered seq 6, the checkpoint seq 7",
            PlugJudge.Judge([Recovered7, "mutator: recovered seq=6 step=1 invariant=ok"], 0).Failure);

    [Theory]
    [InlineData("checkpoint: committed seq=7 images=1 log-pages=1")]
    [InlineData("checkpoint: committed seq=3 images=1 log-pages=1")]
    public void ACommittedSeqMustBeNew(string committed) =>
        Assert.StartsWith("serial line 3: committed seq", PlugJudge.Judge([Recovered7, Mutator7, committed], 0).Failure);

    [Fact]
    public void CommittedSeqsMustIncrease() =>
        Assert.Contains("committed seq 8 is not above 9",
            PlugJudge.Judge([Recovered7, Mutator7, "checkpoint: committed seq=9 images=1 log-pages=1",
                "checkpoint: committed seq=8 images=1 log-pages=1"], 0).Failure);
}
