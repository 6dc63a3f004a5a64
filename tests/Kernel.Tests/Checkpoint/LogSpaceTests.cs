using CapOS.Kernel.Checkpoint;
using CapOS.Kernel.DiskFormat;
using Xunit;

namespace CapOS.Kernel.Tests.Checkpoint;

public sealed class LogSpaceTests
{
    [Fact]
    public void HalvesSplitTheLogAreaAndAlternateBySequence()
    {
        LogSpace.Initialize(64, 1000, 100000, 65);
        Assert.Equal(31u, LogSpace.HalfPages);
        Assert.Equal(2u, LogSpace.HalfFirst(2));
        Assert.Equal(33u, LogSpace.HalfFirst(3));
        Assert.Equal(2u, LogSpace.HalfFirst(1000));
        LogSpace.Initialize(65, 1000, 100000, 65);
        Assert.Equal(31u, LogSpace.HalfPages);
    }

    [Fact]
    public void ReservationCountsDirectoryPagesAndRefusesBeyondAHalf()
    {
        LogSpace.Initialize(64, 1000, 100000, 65);
        Assert.True(LogSpace.TryReserve(29, 169));
        Assert.True(LogSpace.TryReserve(0, 1));
        Assert.False(LogSpace.TryReserve(1, 0));
        Assert.Equal(29u, LogSpace.ReservedPages);
        Assert.Equal(170u, LogSpace.ReservedEntries);
        LogSpace.CloseGeneration();
        Assert.Equal(0u, LogSpace.ReservedPages);
        Assert.True(LogSpace.TryReserve(0, 31 * DirectoryPage.EntryCapacity));
        Assert.False(LogSpace.TryReserve(0, 1));
    }

    [Fact]
    public void ReservationRespectsTheWorkspaceCapacities()
    {
        LogSpace.Initialize(1000, 10, 20, 65);
        Assert.False(LogSpace.TryReserve(11, 0));
        Assert.False(LogSpace.TryReserve(0, 21));
        Assert.True(LogSpace.TryReserve(10, 20));
    }

    [Fact]
    public void ForcedCheckpointAtTheThresholdShareOfAHalf()
    {
        LogSpace.Initialize(202, 1000, 100000, 65);
        Assert.Equal(100u, LogSpace.HalfPages);
        Assert.True(LogSpace.TryReserve(63, 100));
        Assert.False(LogSpace.ShouldForceCheckpoint());
        Assert.True(LogSpace.TryReserve(1, 1));
        Assert.True(LogSpace.ShouldForceCheckpoint());
        LogSpace.CloseGeneration();
        Assert.False(LogSpace.ShouldForceCheckpoint());
        LogSpace.Reinstate(64, 101);
        Assert.True(LogSpace.ShouldForceCheckpoint());
    }
}
