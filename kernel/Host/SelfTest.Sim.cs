namespace CapOS.Kernel.Testing;

/// <summary>Simulated half: there is no MMU to fault, so the request is a stop with the panic code.</summary>
public static partial class SelfTest
{
    public static partial void TouchUnmappedKernelAddress() => Machine.Halt(CapOS.Kernel.Diagnostics.Panic.ExitCode);
}
