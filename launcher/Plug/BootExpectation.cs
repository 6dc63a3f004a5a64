namespace CapOS.Launcher.Plug;

/// <summary>What a boot must show, from what the campaign knows before it (docs/plug.md, "Invariants").</summary>
/// <param name="Floor">The newest valid checkpoint header on the disk the boot starts from: exactly the seq
/// it must recover (C3).</param>
/// <param name="Record">The contents every recoverable seq must hold (C4); read, never changed, by the judge.</param>
/// <param name="CheckContents">False only where no record exists to judge against (the recovery benchmark's single boot), for
/// K1/K2 (the summary then says contents were not judged).</param>
/// <param name="Fault">The write error injected into this boot.</param>
public sealed record BootExpectation(long Floor, ContentsRecord Record, bool CheckContents = true,
    WriteFault Fault = WriteFault.None);
