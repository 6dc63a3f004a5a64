using System.Runtime.InteropServices;
using CapOS.Kernel.DiskFormat;
using CapOS.Kernel.Io;
using CapOS.Kernel.NodeTree;

namespace CapOS.Kernel.Checkpoint;

/// <summary>
/// The checkpoint writer: takes the home-page images of one checkpoint, writes them and
/// their directory to the log, commits the header, and starts migration
/// (docs/checkpoint.md; EROS SOSP'99 §3.5 stabilization and commit; KeyKOS checkpoint).
/// </summary>
/// <remarks>
/// Theory of operation. The snapshot (copy-on-write marking, built later on the object
/// cache) calls <see cref="Begin"/>, then one Add call per image: a data page (or a zero
/// page, which takes only a directory entry), a whole node pot naming the dirty nodes in
/// it, a whole tag pot. Each image gets the next LID of the half the checkpoint writes in
/// (<see cref="LogSpace"/>) and a directory entry with its CRC. <see cref="Stabilize"/>
/// seals the directory pages (they follow the images, contiguous) and starts the I/O:
/// <see cref="Pump"/>, called from the idle loop on metal and from the test loop on the
/// host, keeps up to <see cref="WriterSlots"/> writes in flight. The commit order is the
/// contract of docs/disk-format.md "Commit protocol": every image and directory write
/// completed, then (rule R2) the previous checkpoint migrated, then Flush, then the header
/// (Sequence + 1, Migrated clear) into the slot not holding the current one, then Flush.
/// Only then does <see cref="Generation"/> move, and the <see cref="Migrator"/> starts on
/// the new checkpoint while a next one may already be collected and stabilized.
/// Buffers handed to Add stay the caller's; they must not change until
/// <see cref="ImagesWritten"/> (the copy-on-write contract of the snapshot). Node and tag
/// pot images are stamped with the checkpoint's sequence and sealed in place.
/// I1: an image or directory write is submitted only into the checkpoint's own half, and
/// only while that half is not needed by an unmigrated current checkpoint (Generation.AreaIsNeeded).
/// I2: the header is submitted only after a Flush submitted after every image and directory
/// write completed, and only while Generation.Migrated (R2). Checked by the crash tests.
/// I3: a failed image or directory write never leads to a header write (Failed phase).
/// I4: a logged node pot names every node in it, not only the dirty ones. Migration rewrites
/// the whole home pot and a torn home write damages all seven nodes; recovery reads named
/// objects from the log, so every node whose home page migration may write must be named
/// (CrashAtEveryWriteTests with torn writes fail without it).
/// I5: once a header has been submitted, the writer never writes its half again unless that
/// header's commit completed: a failed header write or flush is retried, and after
/// HeaderRetryLimit failures in a row the writer stays Failed for good (HeaderFailed; Abort is
/// refused, so no retry of the same sequence can overwrite the images of a header that may have
/// landed). Checked by WriteErrorTests.
/// I6 (K4): a failed image or directory write, or log flush, is reported (`checkpoint: write error ...
/// what=log|directory`) and tried again from the same buffer, up to WriteRetryLimit tries; ImageWritten stays
/// false through the retries, so copy-on-write refuses a write to the page meanwhile and a retry never writes
/// anything but the snapshot's bytes (SnapshotTests.AWriteWaitingForAFailedImageWriteLetsItsRetryWriteTheSnapshotBytes). Then the checkpoint is Failed (FailedWhat, FailedTries) and nothing of
/// it is committed. Checked by WriteErrorTests.ATransientLogWriteErrorIsRetriedAndCommits,
/// WriteErrorTests.APersistentLogWriteErrorFailsTheCheckpointAndLosesNothing.
/// </remarks>
public static unsafe partial class CheckpointWriter
{
    /// <summary>
    /// Image and directory writes the writer keeps in flight at most: 64 (was 16; docs/bench.md figures).
    /// The slots and the single request share one workspace page (64 * 56 + 48 bytes).
    /// </summary>
    public const int WriterSlots = 64;

    /// <summary>Workspace pages the writer, migrator and generation take before the image table.</summary>
    public const int FixedWorkspacePages = 3 + Migrator.WorkspacePages;

    private static CheckpointHeader* s_next;
    private static byte** s_images;
    private static DirectoryPage* s_directory;
    private static WriterSlot* s_slots;
    private static DiskRequest* s_single;
    private static CheckpointPhase s_phase;
    private static CheckpointError s_error;
    private static DiskError s_diskError;
    private static uint s_imageCount;
    private static uint s_entryCount;
    private static uint s_areaFirst;
    private static uint s_nextItem;
    private static uint s_doneItems;
    private static uint s_inFlight;
    private static bool s_failing;
    private static int s_headerSlot;
    private static CheckpointStats s_stats;

    /// <summary>Where the current checkpoint is.</summary>
    public static CheckpointPhase Phase => s_phase;

    /// <summary>Why the last call or stabilization failed.</summary>
    public static CheckpointError Error => s_error;

    /// <summary>The last disk error seen by the writer (also for retried header writes).</summary>
    public static DiskError LastDiskError => s_diskError;

    /// <summary>Counters since Initialize (the migrator's included).</summary>
    public static CheckpointStats Stats => s_stats;

    /// <summary>Images added to the checkpoint being collected or written.</summary>
    public static uint ImageCount => s_imageCount;

    /// <summary>Directory entries of the checkpoint being collected or written.</summary>
    public static uint EntryCount => s_entryCount;

    /// <summary>Sequence number the checkpoint being collected or written will commit with.</summary>
    public static ulong Sequence => s_next->Sequence;

    /// <summary>
    /// The header the checkpoint will commit: during Collecting the snapshot may fill its
    /// restart list (copied from the current header by Begin).
    /// </summary>
    public static CheckpointHeader* PendingHeader => s_next;

    /// <summary>True once every image write completed: the snapshot may release its copy-on-write frames.</summary>
    public static bool ImagesWritten => s_phase >= CheckpointPhase.AwaitingMigration && s_phase <= CheckpointPhase.FlushingHeader;

    /// <summary>Workspace bytes for a log of <paramref name="logPageCount"/> pages so that a whole half can be used.</summary>
    public static nuint WorkspaceBytesFor(uint logPageCount)
    {
        uint half = (logPageCount - DiskLayout.FirstAreaLid) / 2;
        uint tablePages = (half + ImagesPerTablePage - 1) / ImagesPerTablePage;
        return (nuint)(FixedWorkspacePages + tablePages + half) * DiskLayout.PageSize;
    }

    private const uint ImagesPerTablePage = DiskLayout.PageSize / 8;

    /// <summary>
    /// Binds the writer, the migrator and <see cref="Generation"/> to <paramref name="volume"/>
    /// (validated) and carves <paramref name="workspace"/> (page-aligned, <paramref name="bytes"/>
    /// long, owned by the checkpoint from now on). Recovery then calls Generation.Adopt.
    /// </summary>
    public static bool Initialize(VolumeHeader* volume, byte* workspace, nuint bytes)
    {
        ulong pages = bytes / DiskLayout.PageSize;
        if (pages <= FixedWorkspacePages + 1)
        {
            return false;
        }

        NativeMemory.Clear(workspace, (nuint)FixedWorkspacePages * DiskLayout.PageSize);
        Generation.Initialize(volume, (CheckpointHeader*)workspace);
        s_next = (CheckpointHeader*)(workspace + DiskLayout.PageSize);
        s_slots = (WriterSlot*)(workspace + (2 * DiskLayout.PageSize));
        s_single = (DiskRequest*)(s_slots + WriterSlots);
        Migrator.Initialize(workspace + (3 * DiskLayout.PageSize));
        CarveTables(workspace + ((nuint)FixedWorkspacePages * DiskLayout.PageSize), pages - FixedWorkspacePages);
        s_phase = CheckpointPhase.Idle;
        s_error = CheckpointError.None;
        s_diskError = DiskError.None;
        s_headerFailed = false;
        s_headerFailures = 0;
        s_commitHeld = false; // a fresh writer holds nothing back (whatever an earlier owner left)
        s_failedWhat = StopReason.None;
        s_failedTries = 0;
        s_stats = default;
        return true;
    }

    private static void CarveTables(byte* table, ulong pages)
    {
        uint half = (Generation.LogPageCount - DiskLayout.FirstAreaLid) / 2;
        ulong tablePages = (half + ImagesPerTablePage - 1) / ImagesPerTablePage;
        if (tablePages == 0 || tablePages >= pages)
        {
            tablePages = pages / 2;
        }

        s_images = (byte**)table;
        s_directory = (DirectoryPage*)(table + (tablePages * DiskLayout.PageSize));
        ulong directoryPages = pages - tablePages;
        uint imageCapacity = (uint)System.Math.Min(half, tablePages * ImagesPerTablePage);
        uint entryCapacity = (uint)System.Math.Min((ulong)half * DirectoryPage.EntryCapacity, directoryPages * DirectoryPage.EntryCapacity);
        LogSpace.Initialize(Generation.LogPageCount, imageCapacity, entryCapacity, DiskLayout.DefaultLogThresholdPercent);
    }

    /// <summary>Starts collecting checkpoint Generation.Sequence + 1. Refused unless Idle and a current checkpoint is adopted.</summary>
    public static CheckpointError Begin()
    {
        if (!Generation.Adopted)
        {
            return CheckpointError.NotInitialized;
        }

        if (s_phase != CheckpointPhase.Idle)
        {
            return CheckpointError.WrongPhase;
        }

        CheckpointHeader* current = Generation.Current;
        NativeMemory.Copy(current, s_next, DiskLayout.PageSize);
        s_next->Sequence = current->Sequence + 1;
        s_next->Flags = CheckpointFlags.None;
        s_areaFirst = LogSpace.HalfFirst(s_next->Sequence);
        s_imageCount = 0;
        s_entryCount = 0;
        s_error = CheckpointError.None;
        s_failedWhat = StopReason.None;
        s_failedTries = 0;
        s_phase = CheckpointPhase.Collecting;
        return CheckpointError.None;
    }

    /// <summary>
    /// Adds data page <paramref name="oid"/> with <paramref name="allocCount"/>; <paramref name="image"/>
    /// is its 4096 bytes, or null for a zero page (an entry with Lid 0, no log space).
    /// </summary>
    public static CheckpointError AddPage(Oid oid, uint allocCount, byte* image)
    {
        CheckpointError error = CheckRoom(image == null ? 0u : 1u, 1);
        if (error != CheckpointError.None)
        {
            return error;
        }

        if (VolumeLayout.Locate(Generation.Volume, oid, RangeKind.PageRange, out _) != FormatError.None)
        {
            return CheckpointError.UnknownOid;
        }

        uint lid = image == null ? DiskLayout.ZeroLid : AppendImage(image);
        uint crc = image == null ? 0 : PageSeal.ImageCrc(image);
        AppendEntry(oid, allocCount, crc, lid, ObType.Page, 0);
        return CheckpointError.None;
    }

    /// <summary>
    /// Adds a whole node pot image (<see cref="NodePot"/>, filled by the caller with the current
    /// value of every node in it) and one entry per node of the pot (I4).
    /// </summary>
    public static CheckpointError AddNodePot(byte* image)
    {
        NodePot* pot = (NodePot*)image;
        uint nodes = pot->NodeCount == 0 || pot->NodeCount > NodePot.NodeCapacity ? 1 : pot->NodeCount;
        CheckpointError error = CheckRoom(1, nodes);
        if (error != CheckpointError.None)
        {
            return error;
        }

        error = SealPot(image, pot->FirstOid, RangeKind.NodeRange);
        if (error != CheckpointError.None)
        {
            return error;
        }

        uint lid = AppendImage(image);
        uint crc = PageSeal.ImageCrc(image);
        for (int slot = 0; slot < (int)pot->NodeCount; slot++)
        {
            DiskNode* node = NodePot.NodeAt(pot, slot);
            AppendEntry(node->Oid, node->AllocCount, crc, lid, ObType.Node, (byte)slot);
        }

        return CheckpointError.None;
    }

    /// <summary>Adds a whole tag pot image (<see cref="TagPot"/>, filled by the caller).</summary>
    public static CheckpointError AddTagPot(byte* image)
    {
        CheckpointError error = CheckRoom(1, 1);
        if (error != CheckpointError.None)
        {
            return error;
        }

        TagPot* pot = (TagPot*)image;
        error = SealPot(image, pot->FirstOid, RangeKind.PageRange);
        if (error != CheckpointError.None)
        {
            return error;
        }

        uint lid = AppendImage(image);
        AppendEntry(pot->FirstOid, 0, PageSeal.ImageCrc(image), lid, ObType.TagPot, 0);
        return CheckpointError.None;
    }

    private static CheckpointError CheckRoom(uint images, uint entries)
    {
        if (s_phase != CheckpointPhase.Collecting)
        {
            return CheckpointError.WrongPhase;
        }

        return LogSpace.Fits((ulong)s_imageCount + images, (ulong)s_entryCount + entries) ? CheckpointError.None : CheckpointError.LogFull;
    }

    /// <summary>Stamps the sequence, seals, and checks the pot against its home place (NodePot/TagPot I1..I3).</summary>
    private static CheckpointError SealPot(byte* image, Oid firstOid, RangeKind kind)
    {
        if (VolumeLayout.Locate(Generation.Volume, firstOid, kind, out ObjectLocation location) != FormatError.None
            || location.PotFirstOid != firstOid)
        {
            return CheckpointError.UnknownOid;
        }

        FormatError format;
        if (kind == RangeKind.NodeRange)
        {
            ((NodePot*)image)->Sequence = s_next->Sequence;
            PageSeal.Seal(image);
            format = NodePot.Validate((NodePot*)image, location.PotFirstOid, location.PotObjectCount);
        }
        else
        {
            ((TagPot*)image)->Sequence = s_next->Sequence;
            PageSeal.Seal(image);
            format = TagPot.Validate((TagPot*)image, location.PotFirstOid, location.PotObjectCount);
        }

        return format == FormatError.None ? CheckpointError.None : CheckpointError.BadImage;
    }

    private static uint AppendImage(byte* image)
    {
        s_images[s_imageCount] = image;
        return s_areaFirst + s_imageCount++;
    }

    private static void AppendEntry(Oid oid, uint allocCount, uint crc, uint lid, ObType type, byte slot)
    {
        uint index = s_entryCount++;
        DirectoryPage* page = s_directory + (index / DirectoryPage.EntryCapacity);
        if (index % DirectoryPage.EntryCapacity == 0)
        {
            DirectoryPage.Initialize(page, s_next->Sequence, index / DirectoryPage.EntryCapacity);
        }

        page->EntryCount++;
        DirectoryEntry* entry = DirectoryPage.Entry(page, (int)(index % DirectoryPage.EntryCapacity));
        entry->Oid = oid;
        entry->AllocCount = allocCount;
        entry->ImageCrc = crc;
        entry->Lid = lid;
        entry->Type = type;
        entry->Slot = slot;
        entry->Reserved = 0;
    }

    /// <summary>One in-flight image or directory write.</summary>
    [StructLayout(LayoutKind.Sequential)]
    private struct WriterSlot
    {
        public DiskRequest Request;
        public uint Item;
        public bool Busy;

        /// <summary>Failed tries of this item's write (I6).</summary>
        public byte Failures;
    }
}
