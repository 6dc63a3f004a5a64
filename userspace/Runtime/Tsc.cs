using System.Runtime;
using System.Runtime.CompilerServices;

namespace CapOS.Runtime;

/// <summary>The time-stamp counter, which ring 3 may read (CR4.TSD clear): ticks since reset; under QEMU's
/// <c>-icount shift=0</c> one tick per instruction (docs/bench.md).</summary>
public static class Tsc
{
    /// <summary><c>lfence; rdtsc</c>: the counter once every earlier instruction has completed.</summary>
    [MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("*", "capos_tsc")]
    public static extern ulong Read();
}
