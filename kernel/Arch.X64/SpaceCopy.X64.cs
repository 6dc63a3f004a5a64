using System.Runtime;
using System.Runtime.CompilerServices;

namespace CapOS.Kernel.Invocation;

/// <summary>Metal half of <see cref="SpaceCopy"/>: the byte copy by <c>rep movsq</c> (SpaceCopy.X64.asm), the mapping read from the page tables.</summary>
public static unsafe partial class SpaceCopy
{
    private static partial void CopyRun(byte* source, byte* destination, ulong length) => CopyBytes(source, destination, length);

    private static partial ulong MappedFrame(ulong addressSpace, ulong address, bool write) =>
        Translate(addressSpace, address, write ? 1UL : 0UL);

    /// <summary>Arch.X64.AddressSpace.TranslateUser's answer, in assembly (SpaceCopy.X64.asm).</summary>
    [MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("*", "space_translate")]
    private static extern ulong Translate(ulong root, ulong address, ulong write);

    [MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("*", "space_copy_bytes")]
    private static extern void CopyBytes(byte* source, byte* destination, ulong length);
}
