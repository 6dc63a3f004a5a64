using System;
using System.IO;
using CapOS.Kernel.DiskFormat;

namespace CapOS.Launcher.Plug.Disk;

/// <summary>Whole 4 KiB pages of an image file; a page past the end reads as zeros (never valid).</summary>
public static class DiskPages
{
    /// <summary>Disk page <paramref name="page"/> of <paramref name="image"/>.</summary>
    public static byte[] Read(Stream image, ulong page)
    {
        var bytes = new byte[DiskLayout.PageSize];
        long offset = checked((long)page * DiskLayout.PageSize);
        if (offset + DiskLayout.PageSize <= image.Length)
        {
            image.Position = offset;
            image.ReadExactly(bytes);
        }
        return bytes;
    }
}
