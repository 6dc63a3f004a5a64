using System.Runtime.InteropServices;

namespace CapOS.Kernel.DiskFormat;

/// <summary>
/// A checkpoint header: log page LID 0 or LID 1 (docs/disk-format.md "Checkpoint
/// header", "Commit protocol"; EROS checkpoint header, KeyKOS checkpoint).
/// </summary>
/// <remarks>
/// Commit of checkpoint n+1: its images and directory are written and a flush has
/// completed; then its header (Sequence n+1) is written into slot
/// <see cref="NextSlot"/> (the slot NOT holding the chosen header), then flushed.
/// Migration done: a copy of the chosen header with <see cref="CheckpointFlags.Migrated"/>
/// is written into the other slot the same way. Recovery reads both slots and keeps
/// <see cref="ChooseSlot"/>: the valid one with the highest (Sequence, Migrated).
/// I1: sealed (PageSeal) and valid per <see cref="Validate"/>.
/// I2: the directory pages lie inside the log area; the log area lies in LIDs 2..log end.
/// I3: DirectoryPageCount = ceil(DirectoryEntryCount / DirectoryPage.EntryCapacity).
/// </remarks>
[StructLayout(LayoutKind.Explicit, Size = DiskLayout.PageSize)]
public unsafe struct CheckpointHeader
{
    /// <summary>Restart entries that fit in the header page.</summary>
    public const int RestartCapacity = 248;

    /// <summary>Byte offset of the restart list.</summary>
    public const int RestartOffset = 128;

    [FieldOffset(0)]
    public uint Magic;

    [FieldOffset(4)]
    public uint Crc;

    [FieldOffset(8)]
    public uint FormatVersion;

    [FieldOffset(12)]
    public CheckpointFlags Flags;

    /// <summary>Checkpoint sequence number: 1 for imagegen's, +1 per commit.</summary>
    [FieldOffset(16)]
    public ulong Sequence;

    /// <summary>The volume header's VolumeId.</summary>
    [FieldOffset(24)]
    public ulong VolumeId;

    /// <summary>First LID of the circular log area this checkpoint's images and directory occupy.</summary>
    [FieldOffset(32)]
    public uint LogAreaFirst;

    /// <summary>Log pages of that area (0: nothing logged). The next checkpoint must not write inside it until Migrated.</summary>
    [FieldOffset(36)]
    public uint LogAreaCount;

    /// <summary>LID of the first directory page; the directory is contiguous (never wraps).</summary>
    [FieldOffset(40)]
    public uint DirectoryFirst;

    [FieldOffset(44)]
    public uint DirectoryPageCount;

    /// <summary>Directory entries over all directory pages.</summary>
    [FieldOffset(48)]
    public uint DirectoryEntryCount;

    /// <summary>Entries used in the restart list.</summary>
    [FieldOffset(52)]
    public uint RestartCount;

    /// <summary>Checkpoint interval in milliseconds (default 300000).</summary>
    [FieldOffset(56)]
    public uint CheckpointIntervalMs;

    /// <summary>Percentage of the log a generation may use before a checkpoint is forced (default 65).</summary>
    [FieldOffset(60)]
    public uint LogThresholdPercent;

    /// <summary>
    /// Persistent monotonic time at this checkpoint's snapshot, in milliseconds (Process.PersistentTime): the
    /// clock resumes from it after a restart. Added in the reserved bytes, so an older image (zero there) reads
    /// as time 0; imagegen writes 0.
    /// </summary>
    [FieldOffset(64)]
    public ulong PersistentTimeMs;

    [FieldOffset(RestartOffset)]
    private fixed byte _restart[RestartCapacity * RestartEntry.Size];

    /// <summary>Restart-list entry <paramref name="index"/> (0..247).</summary>
    public static RestartEntry* Restart(CheckpointHeader* header, int index) =>
        (RestartEntry*)header->_restart + index;

    /// <summary>Clears the page and fills magic, version, sequence, volume and the default configuration.</summary>
    public static void Initialize(CheckpointHeader* header, ulong sequence, ulong volumeId)
    {
        NativeMemory.Clear(header, DiskLayout.PageSize);
        header->Magic = DiskLayout.CheckpointMagic;
        header->FormatVersion = DiskLayout.FormatVersion;
        header->Sequence = sequence;
        header->VolumeId = volumeId;
        header->LogAreaFirst = DiskLayout.FirstAreaLid;
        header->DirectoryFirst = DiskLayout.FirstAreaLid;
        header->CheckpointIntervalMs = DiskLayout.DefaultCheckpointIntervalMs;
        header->LogThresholdPercent = DiskLayout.DefaultLogThresholdPercent;
    }

    /// <summary>Checks a header read from slot LID 0 or 1 of a log of <paramref name="logPageCount"/> pages.</summary>
    public static FormatError Validate(CheckpointHeader* header, ulong volumeId, uint logPageCount)
    {
        if (header->Magic != DiskLayout.CheckpointMagic)
        {
            return FormatError.CheckpointBadMagic;
        }

        if (!PageSeal.Verify((byte*)header))
        {
            return FormatError.CheckpointBadCrc;
        }

        if (header->FormatVersion != DiskLayout.FormatVersion)
        {
            return FormatError.CheckpointBadVersion;
        }

        if (header->Sequence == 0)
        {
            return FormatError.CheckpointBadSequence;
        }

        if (header->VolumeId != volumeId)
        {
            return FormatError.CheckpointForeignVolume;
        }

        if ((header->Flags & ~CheckpointFlags.All) != 0)
        {
            return FormatError.CheckpointBadFlags;
        }

        return ValidateLayout(header, logPageCount);
    }

    private static FormatError ValidateLayout(CheckpointHeader* header, uint logPageCount)
    {
        uint ring = logPageCount - DiskLayout.FirstAreaLid;
        if (logPageCount < DiskLayout.MinimumLogPages || header->LogAreaFirst < DiskLayout.FirstAreaLid
            || header->LogAreaFirst >= logPageCount || header->LogAreaCount > ring)
        {
            return FormatError.CheckpointBadLogArea;
        }

        uint pages = header->DirectoryPageCount;
        uint expectedPages = (uint)(((ulong)header->DirectoryEntryCount + DirectoryPage.EntryCapacity - 1) / DirectoryPage.EntryCapacity);
        if (pages != expectedPages || header->DirectoryFirst < DiskLayout.FirstAreaLid
            || header->DirectoryFirst > logPageCount || pages > logPageCount - header->DirectoryFirst)
        {
            return FormatError.CheckpointBadDirectory;
        }

        for (uint i = 0; i < pages; i++)
        {
            if (!VolumeLayout.AreaContains(header->LogAreaFirst, header->LogAreaCount, header->DirectoryFirst + i, logPageCount))
            {
                return FormatError.CheckpointBadDirectory;
            }
        }

        if (header->RestartCount > RestartCapacity)
        {
            return FormatError.CheckpointBadRestartCount;
        }

        if (header->CheckpointIntervalMs == 0 || header->LogThresholdPercent == 0 || header->LogThresholdPercent > 100)
        {
            return FormatError.CheckpointBadConfiguration;
        }

        return FormatError.None;
    }

    /// <summary>True when <paramref name="a"/> is newer than <paramref name="b"/>: higher sequence, or equal and migrated.</summary>
    public static bool IsNewer(CheckpointHeader* a, CheckpointHeader* b)
    {
        if (a->Sequence != b->Sequence)
        {
            return a->Sequence > b->Sequence;
        }

        return (a->Flags & CheckpointFlags.Migrated) != 0 && (b->Flags & CheckpointFlags.Migrated) == 0;
    }

    /// <summary>The slot recovery uses (0 or 1), or -1 when neither is valid. Ties go to slot 0.</summary>
    public static int ChooseSlot(CheckpointHeader* slot0, bool valid0, CheckpointHeader* slot1, bool valid1)
    {
        if (valid0 && valid1)
        {
            return IsNewer(slot1, slot0) ? 1 : 0;
        }

        return valid0 ? 0 : valid1 ? 1 : -1;
    }

    /// <summary>The slot the next header (a new checkpoint, or the Migrated copy) goes to: never the chosen one.</summary>
    public static int NextSlot(int chosenSlot) => chosenSlot == 0 ? 1 : 0;
}
