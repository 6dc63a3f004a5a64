using System.Collections.Generic;

namespace CapOS.Launcher.Plug;

/// <summary>What the ring-3 workload of a boot must show, from what the campaign knows before it (docs/plug.md
/// "The user workload").</summary>
/// <param name="Roots">The workload's process roots: the restart list of the image's own checkpoint. Every one
/// must be resumed by every boot (U1).</param>
/// <param name="Steps">Per recoverable seq, each process's last step before its snapshot (U2); read, never changed.</param>
/// <param name="Digests">Every digest printed so far per (root, step) (U3); read, never changed.</param>
/// <param name="Audits">The services workload: a boot that ran the liveness limit must show a bank audit after
/// its recovery (S2).</param>
public sealed record UserExpectation(IReadOnlyList<ulong> Roots, ContentsRecord<WorkloadSteps> Steps, DigestBook Digests,
    bool Audits = false)
{
    /// <summary>An independent copy (a crash state booted beside the working disk).</summary>
    public UserExpectation Copy() => this with { Steps = Steps.Copy(), Digests = Digests.Copy() };
}
