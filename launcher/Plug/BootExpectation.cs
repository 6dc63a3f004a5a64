namespace CapOS.Launcher.Plug;

/// <summary>What a boot must show, from what the campaign knows before it (docs/plug.md, "Invariants").</summary>
/// <param name="Floor">The newest valid checkpoint header on the disk the boot starts from: exactly the seq
/// it must recover (C3).</param>
/// <param name="Record">The mutator's contents every recoverable seq must hold (C4); read, never changed, by the judge.</param>
/// <param name="CheckContents">False only where no record exists to judge against (the recovery benchmark's single boot), for
/// K1/K2 (the summary then says contents were not judged).</param>
/// <param name="Fault">The write error injected into this boot.</param>
/// <param name="User">For the ring-3 workload: its roots, step record and digests (then <paramref name="Record"/> is
/// unused); null for the in-kernel mutator.</param>
public sealed record BootExpectation(long Floor, ContentsRecord<MutatorContents> Record, bool CheckContents = true,
    WriteFault Fault = WriteFault.None, UserExpectation? User = null)
{
    /// <summary>The expectation of a boot beside the working disk (a crash state) at <paramref name="floor"/>:
    /// independent copies of the records, so that its boot never enters the working disk's.</summary>
    public BootExpectation Beside(long floor) =>
        new(floor, Record.Copy(), CheckContents, WriteFault.None, User?.Copy());
}
