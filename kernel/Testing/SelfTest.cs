namespace CapOS.Kernel.Testing;

/// <summary>
/// Deliberate faults the boot tests ask for on the kernel command line
/// (test=kernel-pagefault). The machine half decides what "unmapped" means.
/// </summary>
public static partial class SelfTest
{
    /// <summary>Reads a kernel-half address that no page table maps: the exception report must follow.</summary>
    public static partial void TouchUnmappedKernelAddress();
}
