using System.Globalization;
using System.IO;

namespace CapOS.Launcher.Plug;

/// <summary>The campaign's private files, in a temporary directory removed at its end.</summary>
/// <param name="Directory">The directory.</param>
public sealed record CampaignPaths(string Directory)
{
    /// <summary>The working disk: carries the state from cycle to cycle.</summary>
    public string Work => Path.Combine(Directory, "work.img");

    /// <summary>What the current boot started from.</summary>
    public string Boot => Path.Combine(Directory, "boot.img");

    /// <summary>The current power cut's write log.</summary>
    public string Log => Path.Combine(Directory, "log-writes.img");

    /// <summary>The current write cut's blkdebug rules.</summary>
    public string DebugConfig => Path.Combine(Directory, "blkdebug.conf");

    /// <summary>The disk of crash state <paramref name="index"/> while it boots.</summary>
    public string State(int index) => Path.Combine(Directory, string.Create(CultureInfo.InvariantCulture, $"state-{index}.img"));
}
