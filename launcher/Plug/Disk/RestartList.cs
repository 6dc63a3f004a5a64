using System.Collections.Generic;
using System.IO;
using CapOS.Kernel.DiskFormat;

namespace CapOS.Launcher.Plug.Disk;

/// <summary>The restart list of a disk's newest valid checkpoint header, read with the kernel's format code: the
/// root OIDs of the processes its recovery must resume (docs/process.md P4; the user workload's roots, docs/plug.md).</summary>
public static class RestartList
{
    /// <summary>The root OIDs, in list order; empty if no slot is valid.</summary>
    public static unsafe IReadOnlyList<ulong> Read(Stream image, DiskGeometry geometry)
    {
        DiskHeaders headers = DiskHeaders.Read(image, geometry);
        HeaderSlot? newest = !headers.Slot0.Valid ? (headers.Slot1.Valid ? headers.Slot1 : null)
            : !headers.Slot1.Valid || headers.Slot0.Sequence >= headers.Slot1.Sequence ? headers.Slot0 : headers.Slot1;
        var roots = new List<ulong>();
        if (newest is null)
        {
            return roots;
        }
        byte[] page = DiskPages.Read(image, geometry.SlotSector(newest.Slot) / DiskGeometry.SectorsPerPage);
        fixed (byte* bytes = page)
        {
            var header = (CheckpointHeader*)bytes;
            for (int i = 0; i < header->RestartCount; i++)
            {
                roots.Add(CheckpointHeader.Restart(header, i)->Oid.Value);
            }
        }
        return roots;
    }
}
