using System.Runtime.CompilerServices;
using CapOS.Kernel.Diagnostics;

namespace CapOS.Kernel.Arch.X64;

/// <summary>
/// The kernel's virtual layout and x86-64 page-table entries (4-level paging).
/// </summary>
/// <remarks>
/// Layout (docs/boot.md "Virtual layout"):
///   0x0000_0000_0000_0000 .. 0x0000_7FFF_FFFF_FFFF  user half: per-process, built later from node trees
///   0xFFFF_8000_0000_0000 + physical                   direct map of the first 4 GiB (PML4 slot 256)
///   0xFFFF_FFFF_8000_0000 + physical                   kernel image (PML4 slot 511, PDPT slot 510)
/// Kernel half entries never carry the user bit (I1), so ring 3 sees only the lower half.
/// </remarks>
internal static unsafe class Paging
{
    public const ulong DirectMapBase = 0xFFFF800000000000;
    public const ulong DirectMapSize = 4UL << 30;
    public const ulong KernelImageBase = 0xFFFFFFFF80000000;
    public const ulong UserLimit = 0x0000800000000000;
    public const ulong PageSize = 4096;

    public const ulong Present = 1;
    public const ulong Writable = 2;
    public const ulong User = 4;
    public const ulong Large = 0x80;
    public const ulong NoExecute = 1UL << 63;
    public const ulong AddressMask = 0x000FFFFFFFFFF000;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static byte* PhysicalToVirtual(ulong physical)
    {
        Panic.Assert(physical < DirectMapSize, "PhysicalToVirtual: beyond the direct map");
        return (byte*)(DirectMapBase + physical);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ulong VirtualToPhysical(void* pointer)
    {
        ulong address = (ulong)pointer;
        if (address >= KernelImageBase)
        {
            return address - KernelImageBase;
        }

        Panic.Assert(address >= DirectMapBase && address < DirectMapBase + DirectMapSize, "VirtualToPhysical: not a kernel address");
        return address - DirectMapBase;
    }
}
