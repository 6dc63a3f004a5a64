using CapOS.Kernel.Checkpoint;
using CapOS.Kernel.ObjectCache;
using Xunit;

namespace CapOS.Kernel.Tests.Checkpoint;

/// <summary>
/// Reservation I4 (docs/checkpoint.md "The pause"): the snapshot swaps two charge sets instead of clearing one in
/// the pause; the closed generation's set answers C3 for the objects being recorded, and is cleared after the walk,
/// before it becomes a new generation's set.
/// </summary>
public sealed unsafe class ReservationSwapTests
{
    private static readonly VolumeBuilder Layout = new();

    [Fact]
    public void TheClosedGenerationKeepsItsChargesUntilClearedAndTheNextStartsEmpty()
    {
        using var rig = new CheckpointerTestRig(Layout.Build());
        Assert.True(CheckpointerTestRig.WritePage(Layout.PageOid(1), 7));
        ObjectHeader* frame = CheckpointerTestRig.Page(Layout.PageOid(1));
        Assert.True(Reservation.IsCharged(frame));

        Reservation.CloseGeneration();
        Assert.True(Reservation.WasCharged(frame)); // the closed set, for C3 at the record
        Assert.False(Reservation.IsCharged(frame)); // the new generation starts empty

        Reservation.ClearClosed(uint.MaxValue);
        Reservation.CloseGeneration(); // the cleared memory becomes the current set again
        Assert.False(Reservation.IsCharged(frame)); // fails if the closed set was not cleared
        Assert.False(Reservation.WasCharged(frame));
    }
}
