namespace CapOS.Launcher.Bench;

/// <summary>One pass of FaultBench (<c>faultbench: P pages=N mean=A median=M min=L</c>), TSC ticks per page.</summary>
/// <param name="Pages">Pages the pass touched.</param>
/// <param name="Mean">Total ticks over pages: every access included (the few that paid a disk read too).</param>
/// <param name="Median">The median access.</param>
/// <param name="Min">The fastest access.</param>
public sealed record FaultPass(long Pages, double Mean, double Median, double Min);
