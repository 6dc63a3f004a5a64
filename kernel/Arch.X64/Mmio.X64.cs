using System.Runtime;
using System.Runtime.CompilerServices;

namespace CapOS.Kernel.Arch.X64;

/// <summary>
/// Single loads and stores to device registers and to memory a device shares with the
/// kernel (virtqueue rings), implemented in Mmio.X64.asm: the compiler can neither drop,
/// merge, hoist nor reorder them. docs/io.md "The virtio-blk driver".
/// </summary>
internal static unsafe class Mmio
{
    [MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("*", "mmio_read8")]
    public static extern byte Read8(void* address);

    [MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("*", "mmio_read16")]
    public static extern ushort Read16(void* address);

    [MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("*", "mmio_read32")]
    public static extern uint Read32(void* address);

    [MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("*", "mmio_write8")]
    public static extern void Write8(void* address, byte value);

    [MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("*", "mmio_write16")]
    public static extern void Write16(void* address, ushort value);

    [MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("*", "mmio_write32")]
    public static extern void Write32(void* address, uint value);
}
