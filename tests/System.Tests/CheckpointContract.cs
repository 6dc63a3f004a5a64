using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text.RegularExpressions;
using CapOS.Kernel.DiskFormat;
using Xunit;

namespace CapOS.SystemTests;

/// <summary>
/// The running checkpoint's and the in-kernel mutator's serial lines (docs/boot.md "Serial contract",
/// docs/plug.md "Serial contract"), and reading them back out of a whole serial log.
/// </summary>
internal static unsafe class CheckpointContract
{
    /// <summary>The kernel command line of a mutator boot with a 50 ms checkpoint interval.</summary>
    public const string MutatorCommandLine = "mutator checkpoint-interval-ms=50";

    /// <summary><c>checkpoint: committed seq=N images=i log-pages=l cow=c</c> (K3).</summary>
    public const string Committed = @"^checkpoint: committed seq=(?<seq>\d+) images=(?<images>\d+) log-pages=(?<pages>\d+) cow=(?<cow>\d+)$";

    /// <summary><c>checkpoint: migrated seq=N</c>.</summary>
    public const string Migrated = @"^checkpoint: migrated seq=(?<seq>\d+)$";

    /// <summary><c>mutator: recovered seq=N step=S digest=D invariant=ok</c> (K2).</summary>
    public const string MutatorRecovered = @"^mutator: recovered seq=(?<seq>\d+) step=(?<step>\d+) digest=(?<digest>[0-9a-f]{16}) invariant=ok$";

    /// <summary><c>mutator: snapshot seq=N step=S digest=D ...</c> (K1).</summary>
    public const string MutatorSnapshot = @"^mutator: snapshot seq=(?<seq>\d+) step=(?<step>\d+) digest=(?<digest>[0-9a-f]{16})( |$)";

    /// <summary><c>user[pid]: checkpoint requested seq=N</c> (the hello program's checkpoint key invocation).</summary>
    public const string UserCheckpoint = @"^user\[(?<pid>\d+)\]: checkpoint requested seq=(?<seq>\d+)$";

    /// <summary>Any line that means the store or the checkpoint broke (as the plug campaign judges, docs/plug.md C1).</summary>
    public const string Failure = @"^(store: cannot boot:|mutator: invariant broken:|checkpoint: check failed:|checkpoint: failed|checkpoint: stopped|PANIC:|EXCEPTION )";

    public static long Number(Match match, string group) => long.Parse(match.Groups[group].Value, CultureInfo.InvariantCulture);

    /// <summary>The lines of <paramref name="lines"/> that match <paramref name="pattern"/>, with their index.</summary>
    public static List<(int Index, Match Match)> All(IReadOnlyList<string> lines, string pattern) =>
        lines.Select((line, index) => (index, Regex.Match(line, pattern))).Where(p => p.Item2.Success).ToList();

    /// <summary>Pages of the log range of <paramref name="disk"/>, through the kernel's own volume header code.</summary>
    public static long LogPages(ScratchDisk disk)
    {
        fixed (byte* volume = disk.ReadPage(DiskLayout.VolumeHeaderPage))
        {
            var header = (VolumeHeader*)volume;
            Assert.Equal(FormatError.None, VolumeHeader.Validate(header, (ulong)new FileInfo(disk.Path).Length / DiskLayout.PageSize));
            return (long)VolumeHeader.Range(header, VolumeLayout.FindLogRange(header))->PageCount;
        }
    }
}
