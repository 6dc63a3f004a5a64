using System.Runtime.CompilerServices;
using CapOS.Kernel.Diagnostics;

namespace CapOS.Kernel.NodeTree;

/// <summary>
/// A 32-bit reference to a 16-byte-aligned kernel structure: its physical address
/// divided by 16 (docs/keys.md "Prepared form").
/// </summary>
/// <remarks>
/// A prepared key has only 12 payload bytes, as in EROS, but x86-64 pointers are
/// 8 bytes: a ring (next, prev) and an object pointer would need 24. References
/// of 4 bytes fit all three and reach 64 GiB of physical memory, far more than a
/// CapOS machine caches. Decoding is one add through the direct map
/// (<see cref="Machine.PhysicalToVirtual"/>).
/// I1: reference 0 is null; nothing at physical address 0 is ever referenced.
/// I2: a referenced structure is 16-byte aligned and lies below 64 GiB.
/// </remarks>
public static unsafe class KernelReference
{
    /// <summary>The null reference.</summary>
    public const uint Null = 0;

    /// <summary>The reference of <paramref name="pointer"/>; stops the kernel if I1 or I2 would break.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static uint From(void* pointer)
    {
        ulong physical = Machine.VirtualToPhysical(pointer);
        Panic.Assert((physical & 15) == 0, "KernelReference: target not 16-byte aligned (I2)");
        Panic.Assert(physical != 0 && (physical >> 4) <= uint.MaxValue, "KernelReference: target outside 16..64 GiB (I1, I2)");
        return (uint)(physical >> 4);
    }

    /// <summary>The pointer behind <paramref name="reference"/>, or null for <see cref="Null"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void* ToPointer(uint reference)
    {
        if (reference == Null)
        {
            return null;
        }

        return Machine.PhysicalToVirtual((ulong)reference << 4);
    }
}
