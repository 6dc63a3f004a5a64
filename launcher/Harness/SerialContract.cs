namespace CapOS.Harness;

/// <summary>
/// The kernel's serial console lines that host tools rely on (docs/boot.md, "Serial contract"): the boot
/// tests assert them, the KVM probe looks for the banner and the ring-3 line. Regular expressions over one
/// line (terminator removed).
/// </summary>
public static class SerialContract
{
    /// <summary>The banner, the kernel's first line.</summary>
    public const string Banner = @"^CapOS 0\.1 x86-64$";

    /// <summary><c>boot: loader=... cmdline="..." modules=N</c>; groups loader, cmdline, modules.</summary>
    public const string Boot = @"^boot: loader=(?<loader>multiboot1|multiboot2) cmdline=""(?<cmdline>.*)"" modules=(?<modules>\d+)$";

    /// <summary><c>mem: usable=N KiB free-pages=N</c>; groups usable, free.</summary>
    public const string Memory = @"^mem: usable=(?<usable>\d+) KiB free-pages=(?<free>\d+)$";

    /// <summary><c>timer: hz=N tsc-mhz=N</c>; groups hz, mhz.</summary>
    public const string Timer = @"^timer: hz=(?<hz>\d+) tsc-mhz=(?<mhz>\d+)$";

    /// <summary><c>timer: tick=N</c>; group tick.</summary>
    public const string Tick = @"^timer: tick=(?<tick>\d+)$";

    /// <summary><c>user[pid]: hello from ring 3</c>; group pid.</summary>
    public const string UserHello = @"^user\[(?<pid>\d+)\]: hello from ring 3$";

    /// <summary><c>user[pid]: invocation checks ok</c> (hello: bad invocations refused); group pid.</summary>
    public const string UserInvocationChecks = @"^user\[(?<pid>\d+)\]: invocation checks ok$";

    /// <summary>
    /// A stored process's fault the kernel parked it for (kernel/Process/UserFaults.cs); groups pid, root, cause,
    /// info (the address, or the exception's mnemonic), pc.
    /// </summary>
    public const string UserFault =
        @"^fault: process (?<pid>\d+) root=0x(?<root>[0-9a-f]+) (?<cause>invalid address|access violation|object unavailable|exception) (?<info>\S+).* pc=0x(?<pc>[0-9a-f]+); parked$";

    /// <summary><c>proc: pid exited</c>; group pid.</summary>
    public const string ProcessExited = @"^proc: (?<pid>\d+) exited$";

    /// <summary>No process is runnable.</summary>
    public const string Idle = @"^kernel: idle$";

    /// <summary>A kernel exception report; groups vector, name, error, rip, cr2.</summary>
    public const string KernelException =
        @"^EXCEPTION (?<vector>\d+) (?<name>#[A-Z]+) error=0x(?<error>[0-9a-fA-F]+) rip=0x(?<rip>[0-9a-fA-F]+) cr2=0x(?<cr2>[0-9a-fA-F]+)";

    /// <summary>Command-line word: exit QEMU with value 0 once idle.</summary>
    public const string ExitWhenIdle = "exit-when-idle";

    /// <summary>Command-line word: touch an unmapped kernel address after the timer lines (exit value 3).</summary>
    public const string KernelPageFaultTest = "test=kernel-pagefault";

    /// <summary>The exit value of a kernel panic or exception (Panic.ExitCode).</summary>
    public const int PanicExitValue = 3;
}
