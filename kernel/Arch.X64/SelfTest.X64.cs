namespace CapOS.Kernel.Testing;

/// <summary>
/// Metal half, test kernel only (kernel/CapOS.Kernel.csproj excludes this file; docs/boot.md "Options"):
/// 0xFFFF_9000_0000_0000 lies in PML4 slot 288, which nothing maps.
/// </summary>
public static unsafe partial class SelfTest
{
    public const ulong UnmappedKernelAddress = 0xFFFF900000000000;

    public static partial void TouchUnmappedKernelAddress()
    {
        byte value = *(byte*)UnmappedKernelAddress;
        Diagnostics.Log.WriteDecimal((ulong)value); // not reached: the read faults
    }
}
