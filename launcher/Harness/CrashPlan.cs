using System.Collections.Generic;
using System.Linq;
using System.Text;

namespace CapOS.Harness;

/// <summary>
/// One crash state of a disk with a volatile write cache, relative to a write log (docs/plug.md, "Crash
/// states"): the power failed just before log entry <see cref="Cutoff"/> (every entry before it had been
/// issued, none after). Every write logged before flush <see cref="LastFlush"/> is durable (the last flush
/// completed before the cut: <see cref="Cutoff"/> lies before the next flush); of the writes after it and
/// before the cut, <see cref="Tail"/> reached the disk, in that order, some torn. Chosen by
/// <see cref="CrashPlanner"/>, whose invariants (L2a-L2e, docs/plug.md) CrashPlannerTests checks.
/// </summary>
/// <param name="LastFlush">The last flush entry before the cut, or -1: every write before it is applied.</param>
/// <param name="Cutoff">The index of the first log entry not issued before the cut (the log's length for the
/// instant QEMU was killed).</param>
/// <param name="TailWrites">How many writes the log holds after <see cref="LastFlush"/> and before
/// <see cref="Cutoff"/> (the candidates of the tail).</param>
/// <param name="Tail">The writes after the flush that reach the disk, in the order they are applied.</param>
public sealed record CrashPlan(int LastFlush, int Cutoff, int TailWrites, IReadOnlyList<CrashWrite> Tail)
{
    /// <summary>True if the plan's instant is the end of the log (the cut itself), not an earlier one.</summary>
    public bool AtEnd(LogWritesLog log) => Cutoff == log.Entries.Count;

    /// <summary>A one-line account for logs and failure reports.</summary>
    public string Describe(LogWritesLog log)
    {
        var text = new StringBuilder(LastFlush < 0 ? "no flush before the cut" : $"durable through flush entry {LastFlush}");
        text.Append(AtEnd(log) ? "; cut at the log's end" : $"; cut before entry {Cutoff}");
        text.Append($"; kept {Tail.Count} of {TailWrites} later writes");
        if (Tail.Count > 0)
        {
            text.Append(" (order ")
                .Append(string.Join(',', Tail.Select(w => w.Describe(log.Entries[w.Entry].SectorCount))))
                .Append(')');
        }
        return text.ToString();
    }

    /// <summary>Structural equality (the tail compares by content).</summary>
    public bool Equals(CrashPlan? other) =>
        other is not null && LastFlush == other.LastFlush && Cutoff == other.Cutoff && TailWrites == other.TailWrites
        && Tail.SequenceEqual(other.Tail);

    /// <inheritdoc/>
    public override int GetHashCode() => (LastFlush, Cutoff, TailWrites, Tail.Count).GetHashCode();
}
