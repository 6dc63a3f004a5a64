using System.Text.RegularExpressions;

namespace CapOS.Launcher;

/// <summary>
/// What <c>./capos run</c> watches on the console so that a system whose checkpointing has stopped is never
/// run on silently (issue 10 item 8; docs/recovery.md): the kernel repeats <c>checkpoint: stopped ...</c> once
/// per interval; the launcher turns the first one into a warning on stderr naming what is at stake, and
/// says it again when QEMU ends.
/// </summary>
public sealed partial class StoreWatch
{
    /// <summary>The kernel's stop line (docs/checkpoint.md, docs/plug.md contract K4).</summary>
    [GeneratedRegex(@"^checkpoint: stopped seq=(?<seq>\d+): (?<why>.*?); last committed seq=(?<last>\d+)")]
    public static partial Regex Stopped();

    /// <summary>The warning for the first stop line, or null when <paramref name="line"/> says nothing new.</summary>
    public string? Observe(string line)
    {
        if (Warning is not null)
        {
            return null;
        }

        Match match = Stopped().Match(line);
        if (!match.Success)
        {
            return null;
        }

        Warning = $"CHECKPOINTING HAS STOPPED ({match.Groups["why"].Value}): nothing this system does after checkpoint "
            + $"{match.Groups["last"].Value} will survive a power cut or a restart. The next boot resumes checkpoint "
            + $"{match.Groups["last"].Value} or later; see docs/recovery.md";
        return Warning;
    }

    /// <summary>The warning given, or null when checkpointing never stopped.</summary>
    public string? Warning { get; private set; }
}
