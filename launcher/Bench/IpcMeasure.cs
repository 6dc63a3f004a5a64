namespace CapOS.Launcher.Bench;

/// <summary>
/// One IpcBench measure (<c>ipcbench: M n=N per=P median=A min=B mean=C</c>; docs/bench.md "IPC"): N samples,
/// each the TSC ticks of P operations in a row (a batch of invocations, or one stamped half, or one fault).
/// </summary>
/// <param name="Samples">Samples taken (batches, stamped round trips, pages).</param>
/// <param name="Per">Operations per sample.</param>
/// <param name="Median">The median sample, ticks.</param>
/// <param name="Min">The least sample, ticks.</param>
/// <param name="Mean">All samples' ticks over their count.</param>
public sealed record IpcMeasure(long Samples, long Per, double Median, double Min, double Mean)
{
    /// <summary>The median sample per operation, ticks.</summary>
    public double MedianPerOperation => Median / Per;

    /// <summary>The least sample per operation, ticks.</summary>
    public double MinPerOperation => Min / Per;
}
