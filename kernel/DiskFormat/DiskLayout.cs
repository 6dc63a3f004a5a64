namespace CapOS.Kernel.DiskFormat;

/// <summary>
/// The CapOS volume format: constants shared by the kernel and imagegen
/// (docs/disk-format.md is the reference; read it first).
/// </summary>
/// <remarks>
/// Theory of operation. A volume is an array of 4 KiB disk pages. Pages 0 and 1
/// hold identical <see cref="VolumeHeader"/>s whose range table divides the rest
/// into ranges: page ranges (home locations of page OIDs, in clusters of one
/// <see cref="TagPot"/> + <see cref="TagPot.EntryCapacity"/> data pages), node
/// ranges (home locations of node OIDs, 7 <see cref="DiskNode"/>s per
/// <see cref="NodePot"/>) and one log range. In the log, LIDs 0 and 1 hold the two
/// alternating <see cref="CheckpointHeader"/>s; the rest holds the home-page images
/// each checkpoint writes (data pages, whole node pots, whole tag pots) and its
/// <see cref="DirectoryPage"/>s. Every structured page starts with a u32 magic and
/// a u32 CRC-32C (<see cref="PageSeal"/>), so a torn, stale or foreign page is
/// detected and never trusted; data pages carry no header, their CRC lives in the
/// tag pot entry (home) or directory entry (log) that names them.
/// Everything here is pure: no allocation, no I/O, no exceptions; validation
/// returns a <see cref="FormatError"/>.
/// </remarks>
public static class DiskLayout
{
    /// <summary>Bytes per disk sector (the unit of the block device).</summary>
    public const int SectorSize = 512;

    /// <summary>Bytes per disk page: the unit of every structure, object and log slot.</summary>
    public const int PageSize = 4096;

    /// <summary>Sectors per disk page.</summary>
    public const int SectorsPerPage = PageSize / SectorSize;

    /// <summary>Format version in volume and checkpoint headers; a reader refuses any other.</summary>
    public const uint FormatVersion = 1;

    /// <summary>Disk page of the primary volume header.</summary>
    public const ulong VolumeHeaderPage = 0;

    /// <summary>Disk page of the volume header copy.</summary>
    public const ulong VolumeHeaderCopyPage = 1;

    /// <summary>First disk page a range may use.</summary>
    public const ulong FirstRangePage = 2;

    /// <summary>Byte offset of the magic in every structured page.</summary>
    public const int MagicOffset = 0;

    /// <summary>Byte offset of the CRC-32C in every structured page.</summary>
    public const int CrcOffset = 4;

    /// <summary>"CVol" little-endian: volume header.</summary>
    public const uint VolumeMagic = 0x6C6F5643;

    /// <summary>"CCkp" little-endian: checkpoint header.</summary>
    public const uint CheckpointMagic = 0x706B4343;

    /// <summary>"CDir" little-endian: checkpoint directory page.</summary>
    public const uint DirectoryMagic = 0x72694443;

    /// <summary>"CTag" little-endian: tag pot.</summary>
    public const uint TagPotMagic = 0x67615443;

    /// <summary>"CNod" little-endian: node pot.</summary>
    public const uint NodePotMagic = 0x646F4E43;

    /// <summary>LID of checkpoint header slot 0.</summary>
    public const uint HeaderLid0 = 0;

    /// <summary>LID of checkpoint header slot 1.</summary>
    public const uint HeaderLid1 = 1;

    /// <summary>First LID of the log area (images and directory pages).</summary>
    public const uint FirstAreaLid = 2;

    /// <summary>In a directory entry for a page: the page is all zeros and has no image (EROS).</summary>
    public const uint ZeroLid = 0;

    /// <summary>Smallest log range: two headers and two area pages.</summary>
    public const ulong MinimumLogPages = 4;

    /// <summary>Default checkpoint interval (KeyKOS: five minutes).</summary>
    public const uint DefaultCheckpointIntervalMs = 300000;

    /// <summary>Default share of the log a generation may use before a checkpoint is forced (EROS: 65%).</summary>
    public const uint DefaultLogThresholdPercent = 65;

    /// <summary>CRC-32C of a page of 4096 zero bytes (a zero page's content checksum; pinned by a test).</summary>
    public const uint ZeroPageCrc = 0x98F94189;
}
