using CapOS.Harness;

namespace CapOS.Launcher.Plug.Disk;

/// <summary>
/// Where the checkpoint was at a crash state's instant, read from the disk side (docs/plug.md, "Crash
/// states"): the region of the last write issued before the state's cut. A log-area write is stabilization
/// (images, directory), a header write is the commit (or, with its Migrated flag, the end of migration: idle
/// again), a home write is migration; no write at all since the log began is idle. The snapshot writes
/// nothing, so a state in it reads as idle.
/// </summary>
public static class CrashPhase
{
    /// <summary>The phase of <paramref name="plan"/>'s instant in <paramref name="log"/>.</summary>
    public static CheckpointPhase Of(DiskGeometry geometry, LogWritesLog log, CrashPlan plan)
    {
        for (int i = plan.Cutoff - 1; i >= 0; i--)
        {
            LogWritesEntry entry = log.Entries[i];
            if (!entry.IsWrite)
            {
                continue;
            }
            ulong sector = entry.Sector * (ulong)log.SectorSize / Kernel.DiskFormat.DiskLayout.SectorSize;
            return geometry.Region(sector) switch
            {
                DiskRegion.LogArea => CheckpointPhase.Stabilize,
                DiskRegion.Home => CheckpointPhase.Migrate,
                _ => IsMigratedHeader(geometry, entry) ? CheckpointPhase.Idle : CheckpointPhase.Commit,
            };
        }
        return CheckpointPhase.Idle;
    }

    private static bool IsMigratedHeader(DiskGeometry geometry, LogWritesEntry entry)
    {
        if (entry.Data.Length < Kernel.DiskFormat.DiskLayout.PageSize)
        {
            return false;
        }
        HeaderSlot slot = HeaderSlot.Decode(entry.Data.Span[..Kernel.DiskFormat.DiskLayout.PageSize], 0, geometry);
        return slot.Valid && slot.Migrated;
    }
}
