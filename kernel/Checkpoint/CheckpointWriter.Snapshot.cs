using CapOS.Kernel.DiskFormat;
using CapOS.Kernel.Io;

namespace CapOS.Kernel.Checkpoint;

/// <summary>
/// What the snapshot needs from the writer for copy-on-write and the directory switch at commit
/// (docs/checkpoint.md "Snapshot and copy-on-write").
/// </summary>
public static unsafe partial class CheckpointWriter
{
    /// <summary>True when image <paramref name="item"/>'s write has been submitted (its buffer may be read by the device).</summary>
    public static bool ImageSubmitted(uint item) =>
        s_phase != CheckpointPhase.Idle && s_phase != CheckpointPhase.Collecting
        && (s_phase != CheckpointPhase.Stabilizing || item < s_nextItem);

    /// <summary>
    /// True when image <paramref name="item"/> was submitted and no write of it is in flight or being retried
    /// (writer I6): its buffer may change. Never waits (docs/process.md: nothing waits in place); the slot is
    /// reaped by the next Pump. Test: SnapshotTests.AWriteWaitingForAFailedImageWriteLetsItsRetryWriteTheSnapshotBytes
    /// (fails when a failed write counts as written).
    /// </summary>
    public static bool ImageWritten(uint item)
    {
        if (!ImageSubmitted(item))
        {
            return false;
        }

        for (int i = 0; i < WriterSlots; i++)
        {
            WriterSlot* slot = s_slots + i;
            // Busy and not Done: in flight, or failed and being retried from this buffer (I6). A write that gave
            // up frees its slot: the checkpoint fails, so the buffer may change.
            if (slot->Busy && slot->Item == item && slot->Request.Status != DiskStatus.Done)
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>
    /// Copy-on-write: image <paramref name="item"/> is now at <paramref name="buffer"/> (same content).
    /// False, changing nothing, when its write was already submitted.
    /// </summary>
    public static bool RedirectImage(uint item, byte* buffer)
    {
        if (item >= s_imageCount || ImageSubmitted(item))
        {
            return false;
        }

        s_images[item] = buffer;
        return true;
    }

    /// <summary>
    /// Directory entry <paramref name="index"/> (0 .. EntryCount - 1) of the checkpoint collected or
    /// written last; valid until the next Begin (the directory switch at commit reads them).
    /// </summary>
    public static DirectoryEntry* DirectoryEntryAt(uint index) =>
        index >= s_entryCount ? null : DirectoryPage.Entry(s_directory + (index / DirectoryPage.EntryCapacity), (int)(index % DirectoryPage.EntryCapacity));
}
