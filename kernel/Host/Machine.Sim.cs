using CapOS.Kernel.Host;

namespace CapOS.Kernel;

/// <summary>The simulated half of the machine seam (see kernel/Machine.cs).</summary>
public static unsafe partial class Machine
{
    private static SimulatedMachine Sim =>
        SimulatedMachine.Current ?? throw new System.InvalidOperationException("no SimulatedMachine is current");

    public static partial void ConsoleWrite(byte value) => Sim.ConsoleWrite(value);

    public static partial ulong TimerTicks() => Sim.TimerTicks;

    public static partial uint TimerHz() => Sim.TimerHz;

    public static partial ulong CycleCounter() => Sim.Cycles;

    public static partial ulong CycleCounterHz() => Sim.CycleCounterHz;

    public static partial byte* PhysicalToVirtual(ulong physical) => Sim.PhysicalToVirtual(physical);

    public static partial ulong VirtualToPhysical(void* pointer) => Sim.VirtualToPhysical(pointer);

    public static partial void Halt(int exitCode) => throw new MachineHaltedException(exitCode, Sim.ConsoleText);

    public static partial void WaitForInterrupt() => Sim.AdvanceTicks(1);
}
