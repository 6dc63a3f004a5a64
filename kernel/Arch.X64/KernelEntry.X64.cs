using System.Runtime.InteropServices;
using CapOS.Kernel.Boot;

namespace CapOS.Kernel.Arch.X64;

/// <summary>
/// The first C# the machine runs, called by Boot.X64.asm in long mode on the kernel
/// stack with interrupts masked. Brings the processor up, turns the loader's data
/// into a <see cref="BootInfo"/> and hands over to the portable <see cref="Startup"/>.
/// docs/boot.md "Boot path".
/// </summary>
internal static unsafe class KernelEntry
{
    /// <summary>The first line of the serial contract (docs/boot.md).</summary>
    public const string Banner = "CapOS 0.1 x86-64";

    private static BootInfo s_bootInfo;

    [UnmanagedCallersOnly(EntryPoint = "KernelMain")]
    private static void KernelMain(ulong loaderMagic, ulong loaderInformation)
    {
        Serial.Initialize();
        Diagnostics.Log.WriteLine(Banner);
        Gdt.Initialize();
        Idt.Initialize();
        fixed (BootInfo* boot = &s_bootInfo)
        {
            Multiboot.Parse(loaderMagic, loaderInformation, boot);
            AddressSpace.Initialize();
            Syscall.Initialize();
            Timer.Initialize();
            Startup.Run(boot);
        }

        Machine.Halt(0);
    }
}
