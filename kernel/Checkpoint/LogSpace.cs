using CapOS.Kernel.DiskFormat;

namespace CapOS.Kernel.Checkpoint;

/// <summary>
/// The log area split into two halves used alternately (KeyKOS swap areas A and B), and
/// the reservation of log and directory space for the generation being dirtied
/// (docs/checkpoint.md "Log space"; EROS reserves before an object is first dirtied).
/// </summary>
/// <remarks>
/// Half h is LIDs [2 + h*HalfPages, 2 + (h+1)*HalfPages); checkpoint of sequence s writes
/// in half s % 2, images first, then its directory pages, contiguous.
/// I1: ReservedPages + DirectoryPagesFor(ReservedEntries) &lt;= HalfPages, ReservedPages
/// &lt;= image capacity and ReservedEntries &lt;= entry capacity, so a reserved checkpoint always
/// fits (TryReserve; LogSpaceTests). Reinstate (after an aborted checkpoint) may break it; then
/// TryReserve refuses everything and ShouldForceCheckpoint is true until the next snapshot.
/// </remarks>
public static class LogSpace
{
    private static uint s_halfPages;
    private static uint s_imageCapacity;
    private static uint s_entryCapacity;
    private static uint s_thresholdPercent;
    private static uint s_reservedPages;
    private static uint s_reservedEntries;

    /// <summary>LIDs in each half.</summary>
    public static uint HalfPages => s_halfPages;

    /// <summary>Image pages reserved by the generation being dirtied.</summary>
    public static uint ReservedPages => s_reservedPages;

    /// <summary>Directory entries reserved by the generation being dirtied.</summary>
    public static uint ReservedEntries => s_reservedEntries;

    /// <summary>
    /// Sizes the halves for a log of <paramref name="logPageCount"/> pages; the writer's workspace
    /// holds at most <paramref name="imageCapacity"/> images and <paramref name="entryCapacity"/> entries.
    /// </summary>
    public static void Initialize(uint logPageCount, uint imageCapacity, uint entryCapacity, uint thresholdPercent)
    {
        s_halfPages = (logPageCount - DiskLayout.FirstAreaLid) / 2;
        s_imageCapacity = imageCapacity;
        s_entryCapacity = entryCapacity;
        s_thresholdPercent = thresholdPercent == 0 || thresholdPercent > 100 ? DiskLayout.DefaultLogThresholdPercent : thresholdPercent;
        s_reservedPages = 0;
        s_reservedEntries = 0;
    }

    /// <summary>First LID of the half checkpoint <paramref name="sequence"/> writes in.</summary>
    public static uint HalfFirst(ulong sequence) => DiskLayout.FirstAreaLid + ((uint)(sequence % 2) * s_halfPages);

    /// <summary>Directory pages for <paramref name="entries"/> entries.</summary>
    public static uint DirectoryPagesFor(ulong entries) =>
        (uint)((entries + DirectoryPage.EntryCapacity - 1) / DirectoryPage.EntryCapacity);

    /// <summary>True when a checkpoint of <paramref name="pages"/> images and <paramref name="entries"/> entries fits (I1).</summary>
    public static bool Fits(ulong pages, ulong entries) =>
        pages <= s_imageCapacity && entries <= s_entryCapacity && pages + DirectoryPagesFor(entries) <= s_halfPages;

    /// <summary>
    /// Reserves room in the next checkpoint for <paramref name="pages"/> more images and
    /// <paramref name="entries"/> more directory entries. False, reserving nothing, when they
    /// would not fit: the caller must take a checkpoint before dirtying the object.
    /// </summary>
    public static bool TryReserve(uint pages, uint entries)
    {
        ulong newPages = (ulong)s_reservedPages + pages;
        ulong newEntries = (ulong)s_reservedEntries + entries;
        if (!Fits(newPages, newEntries))
        {
            return false;
        }

        s_reservedPages = (uint)newPages;
        s_reservedEntries = (uint)newEntries;
        return true;
    }

    /// <summary>
    /// True when the generation being dirtied has reserved at least LogThresholdPercent of a
    /// half (EROS forces a checkpoint at 65% of the log; a generation here can use one half).
    /// </summary>
    public static bool ShouldForceCheckpoint()
    {
        ulong used = (ulong)s_reservedPages + DirectoryPagesFor(s_reservedEntries);
        return used * 100 >= (ulong)s_thresholdPercent * s_halfPages;
    }

    /// <summary>The snapshot: the reservation passes to the checkpoint being taken; the next generation starts empty.</summary>
    public static void CloseGeneration()
    {
        s_reservedPages = 0;
        s_reservedEntries = 0;
    }

    /// <summary>
    /// An aborted checkpoint's objects stay dirty into the next generation: add their reservation
    /// back without the limit (ShouldForceCheckpoint then says so if it no longer fits comfortably).
    /// </summary>
    public static void Reinstate(uint pages, uint entries)
    {
        s_reservedPages += pages;
        s_reservedEntries += entries;
    }
}
