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
/// I2: ordinary reservations leave <see cref="HeadroomPages"/> and <see cref="HeadroomEntries"/> free: the
/// room the process table's write-back of every loaded process needs (docs/process.md "Write-back"), which
/// only a write-back reservation may use, so a snapshot can always capture every process (LogSpaceTests).
/// </remarks>
public static class LogSpace
{
    private static uint s_halfPages;
    private static uint s_imageCapacity;
    private static uint s_entryCapacity;
    private static uint s_thresholdPercent;
    private static uint s_reservedPages;
    private static uint s_reservedEntries;
    private static uint s_headroomPages;
    private static uint s_headroomEntries;

    /// <summary>Log pages kept free for process write-back (I2).</summary>
    public static uint HeadroomPages => s_headroomPages;

    /// <summary>Directory entries kept free for process write-back (I2).</summary>
    public static uint HeadroomEntries => s_headroomEntries;

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
        s_headroomPages = 0;
        s_headroomEntries = 0;
    }

    /// <summary>
    /// Keeps <paramref name="pages"/> and <paramref name="entries"/> more free for write-back (a process is
    /// loaded); false, changing nothing, when the generation's reservations and the headroom would not fit.
    /// </summary>
    public static bool TryAddHeadroom(uint pages, uint entries)
    {
        if (!Fits((ulong)s_reservedPages + s_headroomPages + pages, (ulong)s_reservedEntries + s_headroomEntries + entries))
        {
            return false;
        }

        s_headroomPages += pages;
        s_headroomEntries += entries;
        return true;
    }

    /// <summary>Gives back headroom (a process is unloaded).</summary>
    public static void RemoveHeadroom(uint pages, uint entries)
    {
        s_headroomPages -= pages <= s_headroomPages ? pages : s_headroomPages;
        s_headroomEntries -= entries <= s_headroomEntries ? entries : s_headroomEntries;
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
    public static bool TryReserve(uint pages, uint entries) => TryReserve(pages, entries, useHeadroom: false);

    /// <summary>
    /// <see cref="TryReserve(uint, uint)"/>; with <paramref name="useHeadroom"/> (process write-back only)
    /// the headroom counts as free (I2).
    /// </summary>
    public static bool TryReserve(uint pages, uint entries, bool useHeadroom)
    {
        ulong newPages = (ulong)s_reservedPages + pages;
        ulong newEntries = (ulong)s_reservedEntries + entries;
        ulong keptPages = useHeadroom ? 0 : s_headroomPages;
        ulong keptEntries = useHeadroom ? 0 : s_headroomEntries;
        if (!Fits(newPages + keptPages, newEntries + keptEntries))
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
