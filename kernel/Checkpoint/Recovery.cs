using CapOS.Kernel.DiskFormat;
using CapOS.Kernel.Io;

namespace CapOS.Kernel.Checkpoint;

/// <summary>
/// Recovery at boot: volume header, checkpoint headers, directory (docs/recovery.md; EROS
/// SOSP'99 §3.5.2, KeyKOS restart). Booting a fresh image and restarting after a crash are
/// this same path: imagegen writes checkpoint 1.
/// </summary>
/// <remarks>
/// Theory of operation. (1) Page 0 holds the volume header; if it fails V1/V2 the identical
/// copy in page 1 is used and the fault of page 0 is reported. (2) Both checkpoint header slots
/// (LIDs 0 and 1) are validated (C1) and CheckpointHeader.ChooseSlot keeps the newest valid one.
/// (3) Unless that header is Migrated, its directory pages are validated (D1) and loaded into
/// <see cref="CheckpointDirectory"/>; a damaged directory is refused, never worked around
/// (docs/recovery.md "Why a damaged directory is refused"). (4) Every log image the directory names is
/// read and checked against its ImageCrc before anything resumes (Recovery.Verify.cs, I2); each object
/// is checked again when it is faulted in (L1, P1). Nothing here writes to the disk.
/// Every step reads into caller memory and returns a <see cref="RecoveryFault"/>; <see cref="Store"/>
/// prints and halts.
/// I1: a page that fails its check (a header slot, a directory page) is read again, up to
/// <see cref="ReadAttempts"/> times, before it is judged: a device that returns garbage once must not
/// make recovery pass over the newest header (the next commit would then overwrite that slot, losing
/// a committed checkpoint) nor refuse to boot. A page damaged on disk fails every time and is judged
/// as before. Checked by ReadErrorTests.
/// </remarks>
public static unsafe partial class Recovery
{
    /// <summary>Reads of a page that fails its check before it is judged bad (I1).</summary>
    public const int ReadAttempts = 3;

    /// <summary>Reads and validates the volume header into <paramref name="volume"/> (page 0, else page 1).</summary>
    public static RecoveryFault ReadVolumeHeader(VolumeHeader* volume, ref RecoveryResult result)
    {
        ulong diskPages = BlockDevice.SectorCount() / DiskLayout.SectorsPerPage;
        if (!ReadPage(DiskLayout.VolumeHeaderPage, (byte*)volume, ref result))
        {
            return result.Fault;
        }

        FormatError primary = VolumeHeader.Validate(volume, diskPages);
        if (primary == FormatError.None)
        {
            return RecoveryFault.None;
        }

        if (!ReadPage(DiskLayout.VolumeHeaderCopyPage, (byte*)volume, ref result))
        {
            return result.Fault;
        }

        FormatError copy = VolumeHeader.Validate(volume, diskPages);
        if (copy != FormatError.None)
        {
            result.Error = primary;
            result.OtherError = copy;
            return result.Fault = RecoveryFault.VolumeHeaderInvalid;
        }

        result.VolumeCopyUsed = true;
        result.VolumeError = primary;
        return RecoveryFault.None;
    }

    /// <summary>
    /// Reads both header slots of the log of <paramref name="volume"/> into <paramref name="slot0"/> and
    /// <paramref name="slot1"/> and chooses one (result.Slot).
    /// </summary>
    public static RecoveryFault ChooseHeader(VolumeHeader* volume, CheckpointHeader* slot0, CheckpointHeader* slot1, ref RecoveryResult result)
    {
        RangeDescriptor* log = VolumeHeader.Range(volume, VolumeLayout.FindLogRange(volume));
        FormatError error0 = FormatError.None;
        FormatError error1 = FormatError.None;
        if (!ReadHeader(volume, log, DiskLayout.HeaderLid0, slot0, ref error0, ref result)
            || !ReadHeader(volume, log, DiskLayout.HeaderLid1, slot1, ref error1, ref result))
        {
            return result.Fault;
        }

        result.Slot = CheckpointHeader.ChooseSlot(slot0, error0 == FormatError.None, slot1, error1 == FormatError.None);
        if (result.Slot < 0)
        {
            result.Error = error0;
            result.OtherError = error1;
            return result.Fault = RecoveryFault.NoValidCheckpoint;
        }

        CheckpointHeader* chosen = result.Slot == 0 ? slot0 : slot1;
        result.Sequence = chosen->Sequence;
        result.Migrated = (chosen->Flags & CheckpointFlags.Migrated) != 0;
        result.RestartCount = chosen->RestartCount;
        return RecoveryFault.None;
    }

    /// <summary>Reads header slot <paramref name="lid"/> until it validates, at most <see cref="ReadAttempts"/> times (I1).</summary>
    private static bool ReadHeader(VolumeHeader* volume, RangeDescriptor* log, uint lid, CheckpointHeader* slot, ref FormatError error, ref RecoveryResult result)
    {
        for (int attempt = 0; attempt < ReadAttempts; attempt++)
        {
            if (!ReadPage(VolumeLayout.LogPage(log, lid), (byte*)slot, ref result))
            {
                return false;
            }

            error = CheckpointHeader.Validate(slot, volume->VolumeId, (uint)log->PageCount);
            if (error == FormatError.None)
            {
                return true;
            }
        }

        return true;
    }

    /// <summary>Bytes of directory memory <see cref="LoadDirectory"/> needs for <paramref name="header"/>.</summary>
    public static ulong DirectoryBytes(CheckpointHeader* header) =>
        CheckpointDirectory.RequiredBytes(DirectoryCapacity(header));

    /// <summary>
    /// Validates (D1) every directory page of <paramref name="header"/> and loads its entries into
    /// <see cref="CheckpointDirectory"/> laid out in <paramref name="memory"/>; <paramref name="scratch"/>
    /// is one page for the reads. A Migrated header's directory is not read (its area may be reused).
    /// </summary>
    public static RecoveryFault LoadDirectory(VolumeHeader* volume, CheckpointHeader* header, byte* memory, ulong bytes, byte* scratch, ref RecoveryResult result)
    {
        if (!CheckpointDirectory.Initialize(memory, bytes, DirectoryCapacity(header)))
        {
            return result.Fault = RecoveryFault.OutOfMemory;
        }

        if ((header->Flags & CheckpointFlags.Migrated) != 0)
        {
            return RecoveryFault.None;
        }

        RangeDescriptor* log = VolumeHeader.Range(volume, VolumeLayout.FindLogRange(volume));
        DirectoryPage* page = (DirectoryPage*)scratch;
        for (uint i = 0; i < header->DirectoryPageCount; i++)
        {
            FormatError error = FormatError.None;
            for (int attempt = 0; attempt < ReadAttempts && (attempt == 0 || error != FormatError.None); attempt++)
            {
                if (!ReadPage(VolumeLayout.LogPage(log, header->DirectoryFirst + i), scratch, ref result))
                {
                    return result.Fault;
                }

                error = DirectoryPage.Validate(page, header, i, (uint)log->PageCount);
            }

            if (error != FormatError.None)
            {
                result.Error = error;
                result.Page = i;
                return result.Fault = RecoveryFault.DirectoryInvalid;
            }

            for (int e = 0; e < (int)page->EntryCount; e++)
            {
                if (!CheckpointDirectory.Add(DirectoryPage.Entry(page, e)))
                {
                    result.Page = i;
                    return result.Fault = RecoveryFault.DirectoryDuplicate;
                }
            }
        }

        result.LogObjects = CheckpointDirectory.Count;
        return RecoveryFault.None;
    }

    private static uint DirectoryCapacity(CheckpointHeader* header) =>
        (header->Flags & CheckpointFlags.Migrated) != 0 ? 0 : header->DirectoryEntryCount;

    private static bool ReadPage(ulong diskPage, byte* buffer, ref RecoveryResult result)
    {
        DiskError error = BlockIo.Read(diskPage * DiskLayout.SectorsPerPage, DiskLayout.SectorsPerPage, buffer);
        if (error == DiskError.None)
        {
            return true;
        }

        result.DiskError = error;
        result.Page = diskPage;
        result.Fault = RecoveryFault.DiskError;
        return false;
    }
}
