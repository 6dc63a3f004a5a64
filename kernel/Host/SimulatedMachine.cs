using System;
using System.Runtime.InteropServices;
using System.Text;

namespace CapOS.Kernel.Host;

/// <summary>
/// The machine the portable kernel runs on in host tests: physical memory as
/// one native block, the console as a capture buffer, and a manual clock that
/// only the test advances (no wall clock: STYLE.md "Tests").
/// </summary>
/// <remarks>
/// The kernel's state is global, as in EROS, so exactly one simulated machine
/// is current at a time (<see cref="Current"/>); the kernel test assembly runs
/// its tests one at a time for that reason.
/// </remarks>
public sealed unsafe class SimulatedMachine : IDisposable
{
    private readonly StringBuilder _console = new();
    private byte* _memory;

    public SimulatedMachine(ulong memoryBytes = 16 * 1024 * 1024, uint timerHz = 100, ulong cycleCounterHz = 1_000_000_000)
    {
        MemoryBytes = memoryBytes;
        _memory = (byte*)NativeMemory.AlignedAlloc((nuint)memoryBytes, 4096);
        NativeMemory.Clear(_memory, (nuint)memoryBytes);
        TimerHz = timerHz;
        CycleCounterHz = cycleCounterHz;
        Current = this;
        SimulatedDisk.Current = null;
        Process.ProcessTable.Forget(); // a new machine has no process table until the kernel makes one
    }

    /// <summary>The machine the kernel's seam calls reach; set by the constructor.</summary>
    public static SimulatedMachine? Current { get; private set; }

    public ulong MemoryBytes { get; }

    public uint TimerHz { get; }

    public ulong CycleCounterHz { get; }

    /// <summary>Timer ticks; advanced by <see cref="AdvanceTicks"/>.</summary>
    public ulong TimerTicks { get; private set; }

    /// <summary>Cycle counter; advanced by <see cref="AdvanceCycles"/> and with each tick.</summary>
    public ulong Cycles { get; private set; }

    /// <summary>The simulated MMU and its TLB (mapping seam, Host/MappingTable.Sim.cs).</summary>
    public SimulatedMmu Mmu { get; } = new();

    /// <summary>Everything the kernel wrote to its console.</summary>
    public string ConsoleText => _console.ToString();

    /// <summary>Base of simulated physical memory: physical address 0.</summary>
    public byte* MemoryBase => _memory;

    public void AdvanceTicks(ulong ticks)
    {
        TimerTicks += ticks;
        Cycles += ticks * (CycleCounterHz / TimerHz);
    }

    public void AdvanceCycles(ulong cycles) => Cycles += cycles;

    internal void ConsoleWrite(byte value) => _console.Append((char)value);

    internal byte* PhysicalToVirtual(ulong physical)
    {
        if (physical >= MemoryBytes)
        {
            throw new ArgumentOutOfRangeException(nameof(physical), $"physical address 0x{physical:x} is outside simulated memory");
        }

        return _memory + physical;
    }

    internal ulong VirtualToPhysical(void* pointer)
    {
        ulong offset = (ulong)((byte*)pointer - _memory);
        if ((byte*)pointer < _memory || offset >= MemoryBytes)
        {
            throw new ArgumentOutOfRangeException(nameof(pointer), "pointer is outside simulated memory");
        }

        return offset;
    }

    public void Dispose()
    {
        if (_memory != null)
        {
            NativeMemory.AlignedFree(_memory);
            _memory = null;
        }

        if (Current == this)
        {
            Current = null;
        }
    }
}
