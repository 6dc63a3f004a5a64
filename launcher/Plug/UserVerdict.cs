using System.Collections.Generic;

namespace CapOS.Launcher.Plug;

/// <summary>What one boot's serial log says of the ring-3 workload (docs/plug.md "The user workload").</summary>
/// <param name="Settled">The index of the line that resumed the last workload process, or -1 if some was never resumed.</param>
/// <param name="Resumed">Per root that printed a step: the step it went on from (its first step line's step - 1).</param>
/// <param name="Snapshots">Per <c>checkpoint: snapshot</c> line, each root's last step printed before it (as far as known).</param>
/// <param name="Digests">Every step line's (root, step, digest), in order.</param>
/// <param name="Failure">The first violation of U1-U5, or null.</param>
public sealed record UserVerdict(
    int Settled,
    WorkloadSteps Resumed,
    IReadOnlyList<(long Seq, WorkloadSteps Steps)> Snapshots,
    IReadOnlyList<(ulong Root, long Step, string Digest)> Digests,
    string? Failure);
