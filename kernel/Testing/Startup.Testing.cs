using CapOS.Kernel.Testing;

namespace CapOS.Kernel.Boot;

/// <summary>
/// Test kernel half of <see cref="Startup"/>: the boot-time self-tests the boot tests and the benchmark ask
/// for on the command line, after the timer lines and before the process table (docs/boot.md "Options").
/// Only the test kernel (CapOS.Kernel.Testing.csproj) and the host build compile this file.
/// </summary>
public static unsafe partial class Startup
{
    static partial void RunSelfTests(BootInfo* boot)
    {
        if (boot->HasOption("test=kernel-pagefault"))
        {
            SelfTest.TouchUnmappedKernelAddress();
        }

        if (boot->HasOption("test=disk"))
        {
            DiskSelfTest.Run();
        }
    }
}
