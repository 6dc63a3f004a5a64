using System.Runtime;
using System.Runtime.CompilerServices;

namespace CapOS.Kernel.Invocation;

/// <summary>Metal half of <see cref="SpaceCopy"/>'s byte copy: <c>rep movsq</c> (SpaceCopy.X64.asm).</summary>
public static unsafe partial class SpaceCopy
{
    private static partial void CopyRun(byte* source, byte* destination, ulong length) => CopyBytes(source, destination, length);

    [MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("*", "space_copy_bytes")]
    private static extern void CopyBytes(byte* source, byte* destination, ulong length);
}
