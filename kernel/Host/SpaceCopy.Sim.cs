using System.Runtime.InteropServices;

namespace CapOS.Kernel.Invocation;

/// <summary>Host half of <see cref="SpaceCopy"/>: the simulated frames are host memory; the mapping is the simulated tables' own answer (no TLB).</summary>
public static unsafe partial class SpaceCopy
{
    private static partial void CopyRun(byte* source, byte* destination, ulong length) =>
        NativeMemory.Copy(source, destination, (nuint)length);

    private static partial ulong MappedFrame(ulong addressSpace, ulong address, bool write) =>
        Host.SimulatedMmu.Walk(addressSpace, address, out ulong frame, out bool writable) && (writable || !write)
            ? frame | (address & 0xFFF)
            : ulong.MaxValue;
}
