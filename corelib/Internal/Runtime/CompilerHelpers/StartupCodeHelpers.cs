using System.Runtime;

namespace Internal.Runtime.CompilerHelpers;

/// <summary>
/// Runtime helpers that are the same in the kernel and in user programs. There is
/// no garbage collector, so the GC transitions are no-ops and reference stores are
/// plain stores. Allocation differs (the kernel never allocates; user programs bump)
/// and lives in kernel/Arch.X64 and userspace/Runtime. ILC looks for this class by name.
/// </summary>
internal static unsafe class StartupCodeHelpers
{
    [RuntimeExport("RhpReversePInvoke")]
    private static void RhpReversePInvoke(nint frame)
    {
    }

    [RuntimeExport("RhpReversePInvokeReturn")]
    private static void RhpReversePInvokeReturn(nint frame)
    {
    }

    [RuntimeExport("RhpPInvoke")]
    private static void RhpPInvoke(nint frame)
    {
    }

    [RuntimeExport("RhpPInvokeReturn")]
    private static void RhpPInvokeReturn(nint frame)
    {
    }

    [RuntimeExport("RhpFallbackFailFast")]
    private static void RhpFallbackFailFast() => System.Environment.FailFast("fallback fail-fast");

    [RuntimeExport("RhpThrowEx")]
    private static void RhpThrowEx(object exception) => System.Environment.FailFast("exception thrown (no unwinder)");

    [RuntimeExport("RhpAssignRef")]
    private static void RhpAssignRef(void** destination, void* value) => *destination = value;

    [RuntimeExport("RhpCheckedAssignRef")]
    private static void RhpCheckedAssignRef(void** destination, void* value) => *destination = value;
}
