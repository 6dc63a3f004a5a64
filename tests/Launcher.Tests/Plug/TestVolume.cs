using System;
using System.IO;
using CapOS.Kernel.DiskFormat;
using CapOS.Launcher.Plug.Disk;

namespace CapOS.Launcher.Tests.Plug;

/// <summary>
/// A minimal CapOS volume written with the kernel's own format code: a volume header (and its copy) naming one
/// log range of <see cref="LogPages"/> pages at page 2, and checkpoint headers in its slots. What the plug
/// judge reads of a disk (docs/plug.md, "The exact floor"), without objects.
/// </summary>
internal static class TestVolume
{
    public const ulong VolumeId = 0x5eed_cafe_f00d_0001;

    public const uint LogPages = 8;

    public const int Pages = 16;

    public static readonly DiskGeometry Geometry = new(VolumeId, 2 * DiskGeometry.SectorsPerPage, LogPages);

    /// <summary>The image: volume header, its copy, slot 0 holding <paramref name="slot0"/>, slot 1
    /// <paramref name="slot1"/> (null: zeros).</summary>
    public static unsafe byte[] Create(ulong? slot0 = 1, ulong? slot1 = null, bool migrated1 = false)
    {
        var image = new byte[Pages * DiskLayout.PageSize];
        fixed (byte* bytes = image)
        {
            var volume = (VolumeHeader*)bytes;
            VolumeHeader.Initialize(volume);
            volume->RangeCount = 1;
            volume->VolumePageCount = Pages;
            volume->VolumeId = VolumeId;
            RangeDescriptor* log = VolumeHeader.Range(volume, 0);
            log->Kind = RangeKind.LogRange;
            log->FirstPage = 2;
            log->PageCount = LogPages;
            PageSeal.Seal(bytes);
        }
        image.AsSpan(0, DiskLayout.PageSize).CopyTo(image.AsSpan(DiskLayout.PageSize));
        if (slot0 is ulong s0)
        {
            Header(s0, migrated: false).CopyTo(image, 2 * DiskLayout.PageSize);
        }
        if (slot1 is ulong s1)
        {
            Header(s1, migrated1).CopyTo(image, 3 * DiskLayout.PageSize);
        }
        return image;
    }

    /// <summary>A valid checkpoint header page of this volume; its restart list is full and differs from seq to
    /// seq, so every sector of two headers differs (a torn write of one over the other never validates).</summary>
    public static unsafe byte[] Header(ulong seq, bool migrated = false)
    {
        var page = new byte[DiskLayout.PageSize];
        fixed (byte* bytes = page)
        {
            var header = (CheckpointHeader*)bytes;
            CheckpointHeader.Initialize(header, seq, VolumeId);
            header->Flags = migrated ? CheckpointFlags.Migrated : CheckpointFlags.None;
            header->RestartCount = CheckpointHeader.RestartCapacity;
            for (int i = 0; i < CheckpointHeader.RestartCapacity; i++)
            {
                *(ulong*)CheckpointHeader.Restart(header, i) = seq * 1000 + (ulong)i;
            }
            PageSeal.Seal(bytes);
        }
        return page;
    }

    /// <summary>The first sector of header slot <paramref name="slot"/>.</summary>
    public static ulong SlotSector(int slot) => Geometry.SlotSector(slot);

    /// <summary>Writes the image to <paramref name="path"/>.</summary>
    public static string Write(string path, byte[] image)
    {
        File.WriteAllBytes(path, image);
        return path;
    }
}
