using System.Runtime.InteropServices;
using CapOS.Kernel.DiskFormat;

namespace CapOS.Kernel.Checkpoint;

/// <summary>
/// The checkpoint the disk would recover now: a copy of the chosen header and the slot
/// it lives in (docs/checkpoint.md "Definitions"; KeyKOS "current checkpoint").
/// </summary>
/// <remarks>
/// Set by recovery (<see cref="Adopt"/>), advanced only by the writer when a commit's
/// header flush completes (<see cref="Committed"/>) and by the migrator when the Migrated
/// copy's flush completes (<see cref="MarkMigrated"/>). So it always describes a header
/// that is durable on disk, never one merely submitted.
/// I1: <see cref="Current"/> is a valid header (CheckpointHeader.Validate) equal byte for
/// byte to the one in slot <see cref="Slot"/> on disk.
/// I2 (rule R2): at most one committed checkpoint is not migrated, and it is this one.
/// </remarks>
public static unsafe class Generation
{
    private static VolumeHeader* s_volume;
    private static ulong s_logFirstPage;
    private static uint s_logPageCount;
    private static CheckpointHeader* s_header;
    private static int s_slot;
    private static bool s_adopted;

    /// <summary>The validated volume header (owned by the caller, stable for the kernel's life).</summary>
    public static VolumeHeader* Volume => s_volume;

    /// <summary>Pages of the log range (LIDs 0 .. LogPageCount - 1).</summary>
    public static uint LogPageCount => s_logPageCount;

    /// <summary>The current (chosen) header: a private copy.</summary>
    public static CheckpointHeader* Current => s_header;

    /// <summary>The slot (0 or 1) holding <see cref="Current"/> on disk.</summary>
    public static int Slot => s_slot;

    /// <summary>True once <see cref="Adopt"/> ran since <see cref="Initialize"/>.</summary>
    public static bool Adopted => s_adopted;

    /// <summary>Sequence number of the current checkpoint.</summary>
    public static ulong Sequence => s_header->Sequence;

    /// <summary>True when the current checkpoint is migrated: home is current and the whole log area is free.</summary>
    public static bool Migrated => (s_header->Flags & CheckpointFlags.Migrated) != 0;

    /// <summary>
    /// Binds to <paramref name="volume"/> (validated) and keeps the header copy in
    /// <paramref name="headerPage"/> (4096 bytes owned by the checkpoint from now on).
    /// </summary>
    public static void Initialize(VolumeHeader* volume, CheckpointHeader* headerPage)
    {
        s_volume = volume;
        s_header = headerPage;
        s_adopted = false;
        s_slot = 0;
        int log = VolumeLayout.FindLogRange(volume);
        RangeDescriptor* range = VolumeHeader.Range(volume, log < 0 ? 0 : log);
        s_logFirstPage = range->FirstPage;
        s_logPageCount = (uint)range->PageCount;
        NativeMemory.Clear(headerPage, DiskLayout.PageSize);
    }

    /// <summary>Recovery: <paramref name="chosen"/> (validated, read from <paramref name="slot"/>) is the current checkpoint.</summary>
    public static void Adopt(CheckpointHeader* chosen, int slot)
    {
        NativeMemory.Copy(chosen, s_header, DiskLayout.PageSize);
        s_slot = slot;
        s_adopted = true;
    }

    /// <summary>Disk page of log page <paramref name="lid"/>.</summary>
    public static ulong LogPage(uint lid) => s_logFirstPage + lid;

    /// <summary>
    /// True when some LID of [first, first + count) (circular) lies in the area of the current
    /// checkpoint while it is not migrated, i.e. writing there could destroy the recovery point.
    /// </summary>
    public static bool AreaIsNeeded(uint first, uint count)
    {
        if (Migrated || s_header->LogAreaCount == 0)
        {
            return false;
        }

        uint ring = s_logPageCount - DiskLayout.FirstAreaLid;
        for (uint i = 0; i < count; i++)
        {
            uint lid = DiskLayout.FirstAreaLid + ((first - DiskLayout.FirstAreaLid + i) % ring);
            if (VolumeLayout.AreaContains(s_header->LogAreaFirst, s_header->LogAreaCount, lid, s_logPageCount))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>The writer: <paramref name="header"/> was written to <paramref name="slot"/> and flushed.</summary>
    internal static void Committed(CheckpointHeader* header, int slot)
    {
        NativeMemory.Copy(header, s_header, DiskLayout.PageSize);
        s_slot = slot;
    }

    /// <summary>The migrator: the Migrated copy of the current header was written to <paramref name="slot"/> and flushed.</summary>
    internal static void MarkMigrated(CheckpointHeader* copy, int slot)
    {
        NativeMemory.Copy(copy, s_header, DiskLayout.PageSize);
        s_slot = slot;
    }
}
