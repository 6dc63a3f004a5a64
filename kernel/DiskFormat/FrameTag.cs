namespace CapOS.Kernel.DiskFormat;

/// <summary>What a page frame's home location holds, per tag pot entry (EROS frame types).</summary>
public enum FrameTag : byte
{
    /// <summary>The page is all zeros: its data page is never read (or written). A fresh range is all zero pages.</summary>
    ZeroPage = 0,

    /// <summary>The data page holds the content; the entry's DataCrc is its CRC-32C.</summary>
    DataPage = 1,
}
