using System.Collections.Generic;
using System.Collections.Immutable;
using System.Globalization;
using System.Linq;

namespace CapOS.Launcher.Plug;

/// <summary>
/// What the ring-3 workload held at a checkpoint (docs/plug.md "The user workload"): per process root, the last
/// step it had printed before the checkpoint's snapshot line (0: none yet). Partial: a root the campaign has not
/// seen print yet is unknown, and comparisons look only at roots known on both sides.
/// </summary>
/// <param name="Steps">Root OID -> last step.</param>
public sealed record WorkloadSteps(ImmutableSortedDictionary<ulong, long> Steps) : IRecordedContents<WorkloadSteps>
{
    /// <summary>No root known.</summary>
    public static readonly WorkloadSteps None = new(ImmutableSortedDictionary<ulong, long>.Empty);

    /// <summary>From a root -> step map.</summary>
    public static WorkloadSteps Of(IEnumerable<KeyValuePair<ulong, long>> steps) => new(steps.ToImmutableSortedDictionary());

    /// <inheritdoc/>
    public string? Differs(long seq, WorkloadSteps recorded)
    {
        foreach ((ulong root, long step) in Steps)
        {
            if (recorded.Steps.TryGetValue(root, out long held) && held != step)
            {
                string why = step + 1 == 1 ? "restarted, not resumed"
                    : step < held ? "it went back: a checkpoint's work was lost"
                    : "it went on from a later step than the checkpoint held";
                return string.Create(CultureInfo.InvariantCulture,
                    $"process root=0x{root:x} printed step {step + 1} first after recovering seq {seq}, but that checkpoint's snapshot came after its step {held}: {why}");
            }
        }
        return null;
    }

    /// <inheritdoc/>
    public WorkloadSteps Merge(WorkloadSteps recorded) => new(recorded.Steps.SetItems(Steps.Where(s => !recorded.Steps.ContainsKey(s.Key))));

    /// <summary>E.g. <c>0x1000 after step 40, 0x100f after step 38</c>.</summary>
    public override string ToString() =>
        Steps.Count == 0 ? "no process known"
            : string.Join(", ", Steps.Select(s => string.Create(CultureInfo.InvariantCulture, $"0x{s.Key:x} after step {s.Value}")));

    /// <inheritdoc/>
    public bool Equals(WorkloadSteps? other) => other is not null && Steps.SequenceEqual(other.Steps);

    /// <inheritdoc/>
    public override int GetHashCode() => Steps.Count;
}
