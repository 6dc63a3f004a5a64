namespace CapOS.Launcher.Plug.Disk;

/// <summary>Where a sector of a CapOS volume lies, as far as the plug campaign's phases care.</summary>
public enum DiskRegion
{
    /// <summary>Outside the log range: volume headers and the home locations of pages and nodes.</summary>
    Home,

    /// <summary>Checkpoint header slot LID 0 or LID 1.</summary>
    HeaderSlot,

    /// <summary>The log area (LIDs 2..): images and directory pages.</summary>
    LogArea,
}
