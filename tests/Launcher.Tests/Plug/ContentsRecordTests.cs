using CapOS.Launcher.Plug;
using Xunit;

namespace CapOS.Launcher.Tests.Plug;

public class ContentsRecordTests
{
    private static readonly MutatorContents A = new(1, "000000000000000a");
    private static readonly MutatorContents B = new(2, "000000000000000b");
    private static readonly MutatorContents C = new(3, "000000000000000c");

    [Fact]
    public void TheFirstRecoveryIsRecordedAndLaterOnesMustMatchIt()
    {
        var record = new ContentsRecord<MutatorContents>();

        Assert.Null(record.Check(1, A));                 // R1
        record.Recovered(1, A);

        Assert.Null(record.Check(1, A));
        Assert.NotNull(record.Check(1, B));
        Assert.NotNull(record.Check(2, B));             // R1: never snapshotted
    }

    [Fact]
    public void SnapshotsAreRecordedAndARecoveryForgetsWhatIsAboveIt()
    {
        var record = new ContentsRecord<MutatorContents>();
        record.Recovered(1, A);
        record.Snapshot(2, B);                           // R3
        record.Snapshot(3, C);

        Assert.Null(record.Check(3, C));
        record.Recovered(2, B);                          // R2: 3 never became durable

        Assert.Null(record.For(3));
        Assert.Equal(2, record.Count);
        record.Snapshot(3, A);                           // the next boot's seq 3, other contents
        Assert.Null(record.Check(3, A));
        Assert.NotNull(record.Check(3, C));
    }

    [Fact]
    public void ACopyIsIndependent()
    {
        var record = new ContentsRecord<MutatorContents>();
        record.Recovered(1, A);
        ContentsRecord<MutatorContents> copy = record.Copy();

        copy.Snapshot(2, B);

        Assert.Null(record.For(2));
        Assert.Equal(B, copy.For(2));
    }
}
