using System.Collections.Generic;

namespace CapOS.Launcher.Bench;

/// <summary>
/// One boot of ipcbench.img (docs/bench.md "IPC"): IpcBench's measures by name (<see cref="IpcBench.Measures"/>)
/// and the TSC rate the kernel calibrated.
/// </summary>
/// <param name="Measures">Each measure IpcBench printed, by its name.</param>
/// <param name="TscMhz">The kernel's <c>timer: ... tsc-mhz=</c>.</param>
public sealed record IpcRun(IReadOnlyDictionary<string, IpcMeasure> Measures, double TscMhz)
{
    /// <summary>The measure named <paramref name="name"/>.</summary>
    public IpcMeasure this[string name] => Measures[name];

    /// <summary>
    /// Ticks in the table's unit: under <c>--deterministic</c> the ticks themselves (QEMU's icount TSC counts
    /// one tick per instruction, 1 ns each; the kernel's calibration says 999 MHz only by rounding), else
    /// microseconds at the calibrated rate.
    /// </summary>
    public double InUnit(double ticks, bool deterministic) => deterministic ? ticks : ticks / TscMhz;
}
