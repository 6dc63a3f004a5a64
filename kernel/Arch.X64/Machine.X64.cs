using System.Runtime.CompilerServices;
namespace CapOS.Kernel;

/// <summary>The bare-metal half of the machine seam (kernel/Machine.cs). docs/seam.md.</summary>
public static unsafe partial class Machine
{
    public static partial void ConsoleWrite(byte value) => Arch.X64.Serial.Write(value);

    public static partial ulong TimerTicks() => Arch.X64.Timer.Ticks;

    public static partial uint TimerHz() => Arch.X64.Timer.Hz;

    public static partial ulong CycleCounter() => Arch.X64.Cpu.ReadTimeStampCounter();

    public static partial ulong CycleCounterHz() => Arch.X64.Timer.CycleCounterHz;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static partial byte* PhysicalToVirtual(ulong physical) => Arch.X64.Paging.PhysicalToVirtual(physical);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static partial ulong VirtualToPhysical(void* pointer) => Arch.X64.Paging.VirtualToPhysical(pointer);

    public static partial void Halt(int exitCode)
    {
        // isa-debug-exit (iobase 0xf4): QEMU exits with status (value << 1) | 1.
        Arch.X64.Cpu.OutDword(0xF4, (uint)exitCode);
        Arch.X64.Cpu.HaltForever();
    }

    public static partial void WaitForInterrupt() => Arch.X64.Cpu.WaitForInterrupt();
}
