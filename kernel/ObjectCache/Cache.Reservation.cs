namespace CapOS.Kernel.ObjectCache;

/// <summary>
/// The hook where the checkpoint reserves log and directory space before an object is first
/// dirtied (issue #4 item 1; docs/object-cache.md "Dirty objects"). Owned by the cache until the
/// checkpoint replaces the policy in <see cref="TryReserve"/>; it is a plain static check, no callback.
/// </summary>
public static unsafe partial class Cache
{
    private static uint s_dirtyLimit = uint.MaxValue;

    /// <summary>
    /// How many objects may be dirty at once (default: no limit). The checkpoint sets it from the
    /// free log space; when reached, <see cref="MarkDirty"/> refuses and a checkpoint is due.
    /// </summary>
    public static uint DirtyLimit
    {
        get => s_dirtyLimit;
        set => s_dirtyLimit = value;
    }

    /// <summary>Reserves what writing <paramref name="frame"/> in the next checkpoint needs; false refuses the dirtying.</summary>
    /// <remarks>Once the checkpoint is running, <see cref="Checkpoint.Reservation.TryCharge"/> accounts per pot and cluster.</remarks>
    private static bool TryReserve(ObjectHeader* frame, bool writeBack) =>
        frame != null && s_dirtyCount < s_dirtyLimit
        && (writeBack ? Checkpoint.Reservation.TryChargeWriteBack(frame) : Checkpoint.Reservation.TryCharge(frame));
}
