namespace CapOS.Kernel;

/// <summary>
/// The seam between the portable kernel and the machine it runs on.
/// </summary>
/// <remarks>
/// Every portable kernel file (everything under kernel/ except Arch.X64/) reaches
/// hardware only through partial classes like this one. Each partial method is
/// declared here and implemented twice: by <c>kernel/Arch.X64/*.X64.cs</c> in the
/// bare-metal kernel, and by <c>kernel/Host/*.Sim.cs</c> in the host build that the
/// xunit tests use. Extended partial methods have no default body, so a missing
/// half is a compile error in whichever build lacks it (STYLE.md "Layout").
/// See docs/seam.md.
/// </remarks>
public static unsafe partial class Machine
{
    /// <summary>Writes one byte to the kernel console (COM1 on metal, a capture buffer on the host).</summary>
    public static partial void ConsoleWrite(byte value);

    /// <summary>Timer interrupts taken since boot. Monotonic; advanced only by the timer.</summary>
    public static partial ulong TimerTicks();

    /// <summary>Timer interrupt frequency in Hz.</summary>
    public static partial uint TimerHz();

    /// <summary>A free-running cycle counter (the TSC on metal, the manual clock on the host).</summary>
    public static partial ulong CycleCounter();

    /// <summary>Cycle-counter increments per second, as calibrated against the timer at boot.</summary>
    public static partial ulong CycleCounterHz();

    /// <summary>The kernel virtual address at which physical address <paramref name="physical"/> is mapped.</summary>
    public static partial byte* PhysicalToVirtual(ulong physical);

    /// <summary>The physical address behind kernel virtual address <paramref name="pointer"/> (device DMA).</summary>
    public static partial ulong VirtualToPhysical(void* pointer);

    /// <summary>
    /// Stops the machine for good with <paramref name="exitCode"/> (QEMU: isa-debug-exit).
    /// Never returns: on the host it throws, so a test observes the stop.
    /// </summary>
    public static partial void Halt(int exitCode);

    /// <summary>
    /// Sleeps until the next interrupt (the timer at the latest) has been handled.
    /// On the host: advances the manual clock by one tick.
    /// </summary>
    public static partial void WaitForInterrupt();
}
