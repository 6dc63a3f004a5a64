namespace CapOS.Kernel.DiskFormat;

/// <summary>
/// Seals and checks the CRC-32C that every structured page (volume header, tag pot,
/// node pot, checkpoint header, directory page) keeps at byte 4: the CRC of the
/// whole 4096-byte page with that field read as zero (docs/disk-format.md "Checksums").
/// </summary>
public static unsafe class PageSeal
{
    /// <summary>The CRC <paramref name="page"/> should hold.</summary>
    public static uint Compute(byte* page) =>
        Crc32C.ComputeSkipping(page, DiskLayout.PageSize, DiskLayout.CrcOffset);

    /// <summary>Stores the page's CRC in it. Call after the last change to the page.</summary>
    public static void Seal(byte* page) => *(uint*)(page + DiskLayout.CrcOffset) = Compute(page);

    /// <summary>True when the stored CRC matches the page.</summary>
    public static bool Verify(byte* page) => *(uint*)(page + DiskLayout.CrcOffset) == Compute(page);

    /// <summary>The magic at byte 0.</summary>
    public static uint Magic(byte* page) => *(uint*)(page + DiskLayout.MagicOffset);

    /// <summary>CRC-32C of a raw 4096-byte image (data pages, and any logged image as a whole).</summary>
    public static uint ImageCrc(byte* page) => Crc32C.Compute(page, DiskLayout.PageSize);
}
