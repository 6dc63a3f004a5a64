using System.Runtime.InteropServices;

namespace CapOS.Kernel.Invocation;

/// <summary>Host half of <see cref="SpaceCopy"/>'s byte copy: the simulated frames are host memory.</summary>
public static unsafe partial class SpaceCopy
{
    private static partial void CopyRun(byte* source, byte* destination, ulong length) =>
        NativeMemory.Copy(source, destination, (nuint)length);
}
