using CapOS.Kernel.DiskFormat;

namespace CapOS.Kernel.Checkpoint;

/// <summary>
/// Step (4) of recovery: the chosen checkpoint's log images are verified before anything resumes, so a
/// damaged committed checkpoint is never run on silently (issue 10 item 8; docs/recovery.md "A damaged
/// log image").
/// </summary>
/// <remarks>
/// I2 Before <see cref="Store"/> hands the recovered checkpoint to the kernel, every image its directory
///    names (data pages, node pots, tag pots) has been read and matched its ImageCrc; a page that fails is
///    read again (I1) before it is judged. A damaged image refuses the boot naming the object
///    (RecoveryFault.LogImageCorrupt, exit code 4): no older consistent state can be chosen instead, since
///    the damaged checkpoint's migration may already have overwritten home locations the older one needs
///    (docs/recovery.md). Checked by RecoveryTests.ADamagedLogImageRefusesTheBootNamingTheObject and the
///    StoreCorruptionTests boot tests.
/// </remarks>
public static unsafe partial class Recovery
{
    /// <summary>Verifies every image of the loaded directory (I2); <paramref name="scratch"/> is one page.</summary>
    public static RecoveryFault VerifyImages(VolumeHeader* volume, byte* scratch, ref RecoveryResult result)
    {
        RangeDescriptor* log = VolumeHeader.Range(volume, VolumeLayout.FindLogRange(volume));
        uint lastLid = DiskLayout.ZeroLid;
        for (uint i = 0; i < CheckpointDirectory.Count; i++)
        {
            DirectoryEntry* entry = CheckpointDirectory.Entry(i);
            if (entry->Lid == DiskLayout.ZeroLid || entry->Lid == lastLid)
            {
                continue; // a zero page has no image; the nodes of one pot share theirs
            }

            lastLid = entry->Lid;
            bool sound = false;
            for (int attempt = 0; attempt < ReadAttempts && !sound; attempt++)
            {
                if (!ReadPage(VolumeLayout.LogPage(log, entry->Lid), scratch, ref result))
                {
                    return result.Fault;
                }

                sound = Crc32C.Compute(scratch, DiskLayout.PageSize) == entry->ImageCrc;
            }

            if (!sound)
            {
                result.FaultOid = entry->Oid.Value;
                result.FaultType = entry->Type;
                result.Page = entry->Lid;
                return result.Fault = RecoveryFault.LogImageCorrupt;
            }
        }

        return RecoveryFault.None;
    }
}
