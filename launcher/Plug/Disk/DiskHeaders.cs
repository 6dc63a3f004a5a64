using System;
using System.IO;

namespace CapOS.Launcher.Plug.Disk;

/// <summary>
/// Both checkpoint header slots of a disk (docs/plug.md, "The exact floor"). Recovery keeps the valid slot
/// with the highest (Sequence, Migrated) (<c>CheckpointHeader.ChooseSlot</c>), so the newest valid sequence
/// on a disk is exactly the checkpoint the next boot must recover: nothing below it may be chosen, nothing
/// above it exists.
/// </summary>
/// <param name="Slot0">LID 0.</param>
/// <param name="Slot1">LID 1.</param>
public sealed record DiskHeaders(HeaderSlot Slot0, HeaderSlot Slot1)
{
    /// <summary>The newest valid sequence, or 0 if neither slot is valid (recovery then refuses the disk).</summary>
    public long Newest => (long)Math.Max(Slot0.Valid ? Slot0.Sequence : 0, Slot1.Valid ? Slot1.Sequence : 0);

    /// <summary>E.g. <c>slot 0: seq 7 migrated; slot 1: seq 8</c>.</summary>
    public string Describe() => $"{Slot0.Describe()}; {Slot1.Describe()}";

    /// <summary>Reads both slots of <paramref name="image"/>.</summary>
    public static DiskHeaders Read(Stream image, DiskGeometry geometry) =>
        new(ReadSlot(image, geometry, 0), ReadSlot(image, geometry, 1));

    /// <summary>Reads the geometry, then both slots, of the image file <paramref name="path"/>.</summary>
    public static DiskHeaders Read(string path)
    {
        using FileStream image = File.OpenRead(path);
        return Read(image, DiskGeometry.Read(image));
    }

    /// <summary>Judges both slots from their 2 x 4096 bytes (slot 0 first).</summary>
    public static DiskHeaders Decode(ReadOnlySpan<byte> slots, DiskGeometry geometry) =>
        new(HeaderSlot.Decode(slots[..Kernel.DiskFormat.DiskLayout.PageSize], 0, geometry),
            HeaderSlot.Decode(slots[Kernel.DiskFormat.DiskLayout.PageSize..], 1, geometry));

    private static HeaderSlot ReadSlot(Stream image, DiskGeometry geometry, int slot) =>
        HeaderSlot.Decode(DiskPages.Read(image, geometry.SlotSector(slot) / DiskGeometry.SectorsPerPage), slot, geometry);
}
