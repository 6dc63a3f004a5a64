namespace CapOS.Launcher.Plug;

/// <summary>What the harness saw of a boot besides its serial lines (docs/plug.md, "Invariants").</summary>
/// <param name="Cut">True if the harness cut the boot at its planned instant (or, for a boot that must only
/// recover and commit, after its commit); false if QEMU ended by itself or a wait ran out.</param>
/// <param name="MustCommit">True if the boot ran the liveness limit past its recovery line without being cut:
/// it must have committed a checkpoint by then (C6).</param>
/// <param name="ErrorAt">For write mode: the number of serial lines received when QEMU reported the injected
/// error (BLOCK_IO_ERROR), or null if the guest never reached its failing write.</param>
/// <param name="ReactionTimedOut">True if, after the injected error, the wait for the kernel's answer (a
/// <c>checkpoint: stopped</c> line for a persistent error, a commit for a transient one) ran out.</param>
/// <param name="RanLiveness">True if the boot ran the liveness limit past its recovery: every workload process must
/// have made progress by then (U5). A recovery boot cut at its first commit did not.</param>
public sealed record BootFacts(bool Cut, bool MustCommit = false, int? ErrorAt = null, bool ReactionTimedOut = false,
    bool RanLiveness = false);
