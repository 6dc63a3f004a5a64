namespace CapOS.Kernel.DiskFormat;

/// <summary>What a range of the volume holds (docs/disk-format.md "Ranges"; EROS division types).</summary>
public enum RangeKind : uint
{
    /// <summary>An unused slot of the range table.</summary>
    None = 0,

    /// <summary>Home locations of an interval of page OIDs: clusters of a tag pot and data pages.</summary>
    PageRange = 1,

    /// <summary>Home locations of an interval of node OIDs: node pots of 7 nodes.</summary>
    NodeRange = 2,

    /// <summary>The checkpoint log: two headers, then images and directory pages. Exactly one per volume.</summary>
    LogRange = 3,
}
