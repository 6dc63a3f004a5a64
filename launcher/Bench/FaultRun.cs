namespace CapOS.Launcher.Bench;

/// <summary>
/// One boot of faultbench.img (docs/bench.md "Faults"): FaultBench's four passes in TSC ticks per page, the
/// TSC rate the kernel calibrated, and how long the boot took to the process's first line.
/// </summary>
/// <param name="FirstTouch">Read faults, first touch of each zero page (object fault, walk, entry).</param>
/// <param name="Read">Mapped reads (no fault).</param>
/// <param name="WriteFault">Write faults on cached pages mapped read-only (walk, dirty, entry rebuilt).</param>
/// <param name="Write">Mapped writes (no fault).</param>
/// <param name="TscMhz">The kernel's <c>timer: ... tsc-mhz=</c>.</param>
/// <param name="StartTicks">The TSC when the process began (<c>faultbench: start tsc=</c>): ticks since reset.</param>
/// <param name="RecoveredAfterResetUs">The guest's <c>store: recovered in .., R us after reset</c>.</param>
/// <param name="HostMs">Host wall time from starting QEMU to the <c>faultbench: start</c> line.</param>
public sealed record FaultRun(FaultPass FirstTouch, FaultPass Read, FaultPass WriteFault, FaultPass Write,
    double TscMhz, double StartTicks, double RecoveredAfterResetUs, double HostMs)
{
    /// <summary>Ticks converted to microseconds at the calibrated rate.</summary>
    public double Microseconds(double ticks) => ticks / TscMhz;
}
