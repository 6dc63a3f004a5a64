using System.Collections.Generic;
using System.Globalization;
using System.Text.RegularExpressions;

namespace CapOS.Launcher.Plug;

/// <summary>
/// What the kernel must do about a write error it sees (contract K4; docs/plug.md, "Invariants"):
/// C7 <c>checkpoint: stopped</c> appears only after a persistent injected error was hit, and after one it
/// appears within the reaction limit; no checkpoint commits after it;
/// C8 <c>checkpoint: write error</c> appears only after an injected error was hit (alone it is never a
/// failure in write mode), and after a transient one a checkpoint commits within the reaction limit (the
/// retry got past it; nothing committed was lost, which the next boot's floor checks).
/// </summary>
public static class WriteFaultJudge
{
    /// <summary>The first violation in <paramref name="lines"/>, or null; <paramref name="mutator"/> is the
    /// index of the mutator's recovered line (-1 if none).</summary>
    public static string? Judge(IReadOnlyList<string> lines, WriteFault fault, BootFacts facts, int mutator)
    {
        bool hit = facts.ErrorAt is not null;
        int stopped = PlugJudge.Find(lines, PlugLines.Stopped(), 0, out _);
        if (stopped >= 0 && !(hit && fault == WriteFault.Persistent))
        {
            return Line(stopped, lines, hit
                ? "checkpointing stopped after a transient write error (a retry gets past it)"
                : "checkpointing stopped, but no persistent write error was injected");
        }
        int error = PlugJudge.Find(lines, PlugLines.WriteError(), 0, out _);
        if (error >= 0 && !hit)
        {
            return Line(error, lines, "a write error, but no error was injected (the disk chain misbehaved)");
        }
        int late = stopped < 0 ? -1 : PlugJudge.Find(lines, Committed, stopped + 1, out _);
        if (late >= 0)
        {
            return $"'{lines[late]}' after checkpointing stopped";
        }
        if (hit && facts.ReactionTimedOut && fault == WriteFault.Persistent && stopped < 0)
        {
            return "a persistent write error was hit, but checkpointing did not stop loudly ('checkpoint: stopped') within the limit";
        }
        int from = System.Math.Max(facts.ErrorAt ?? 0, mutator);
        if (hit && facts.ReactionTimedOut && fault == WriteFault.Transient && PlugJudge.Find(lines, Committed, from, out _) < 0)
        {
            return "after a transient write error no checkpoint committed within the limit";
        }
        return null;
    }

    private static readonly Regex Committed = new("^checkpoint: committed seq=", RegexOptions.CultureInvariant);

    private static string Line(int index, IReadOnlyList<string> lines, string why) =>
        string.Create(CultureInfo.InvariantCulture, $"serial line {index + 1}: {lines[index]}: {why}");
}
