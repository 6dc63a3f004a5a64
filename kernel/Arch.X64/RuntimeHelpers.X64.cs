using System.Runtime;
using CapOS.Kernel.Diagnostics;

namespace CapOS.Kernel.Arch.X64;

/// <summary>
/// The runtime helpers that differ between the kernel and user programs. The kernel
/// never allocates (DESIGN.md §3): an allocation is a bug and stops the machine
/// with a message saying so; a fail-fast from corelib is a panic.
/// </summary>
internal static unsafe class KernelRuntimeHelpers
{
    [RuntimeExport("CapOSFailFast")]
    private static void FailFast(string? message) => Panic.Stop(message ?? "fail-fast");

    [RuntimeExport("RhpNewFast")]
    private static void* RhpNewFast(MethodTable* type) => AllocationForbidden();

    [RuntimeExport("RhpNewArrayFast")]
    private static void* RhpNewArrayFast(MethodTable* type, int count) => AllocationForbidden();

    [RuntimeExport("RhpNewPtrArrayFast")]
    private static void* RhpNewPtrArrayFast(MethodTable* type, int count) => AllocationForbidden();

    [RuntimeExport("RhpNewArray")]
    private static void* RhpNewArray(MethodTable* type, int count) => AllocationForbidden();

    private static void* AllocationForbidden()
    {
        Panic.Stop("kernel allocation (new of a class or array): forbidden in the kernel");
        return null;
    }
}
