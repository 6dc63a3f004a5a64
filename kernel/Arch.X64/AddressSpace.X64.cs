using CapOS.Kernel.Memory;

namespace CapOS.Kernel.Arch.X64;

/// <summary>
/// x86-64 page tables: the kernel's PML4 (built by Boot.X64.asm) and per-process PML4s
/// whose upper half (slots 256..511) is copied from the kernel's, so every address
/// space maps the kernel the same way, without the user bit (Paging I1).
/// </summary>
internal static unsafe class AddressSpace
{
    private const int KernelFirstSlot = 256;

    /// <summary>Physical address of the kernel's PML4; set once at boot.</summary>
    public static ulong KernelRoot;

    /// <summary>Takes over the boot page tables and drops the boot identity map of low memory.</summary>
    public static void Initialize()
    {
        KernelRoot = Cpu.ReadCr3() & Paging.AddressMask;
        ulong* pml4 = (ulong*)Paging.PhysicalToVirtual(KernelRoot);
        pml4[0] = 0;
        Cpu.WriteCr3(KernelRoot);
    }

    /// <summary>
    /// The physical address behind user address <paramref name="virtualAddress"/> in <paramref name="root"/>,
    /// or ulong.MaxValue when it is not mapped user-accessible (and writable, when <paramref name="write"/>).
    /// </summary>
    public static ulong TranslateUser(ulong root, ulong virtualAddress, bool write)
    {
        if (virtualAddress >= Paging.UserLimit)
        {
            return ulong.MaxValue;
        }

        ulong* table = (ulong*)Paging.PhysicalToVirtual(root);
        for (int level = 3; level >= 0; level--)
        {
            ulong entry = table[(virtualAddress >> (12 + (9 * level))) & 0x1FF];
            if ((entry & Paging.Present) == 0 || (entry & Paging.User) == 0 || (write && (entry & Paging.Writable) == 0))
            {
                return ulong.MaxValue;
            }

            if (level == 0)
            {
                return (entry & Paging.AddressMask) | (virtualAddress & 0xFFF);
            }

            if ((entry & Paging.Large) != 0)
            {
                return ulong.MaxValue; // user mappings are 4 KiB pages only
            }

            table = (ulong*)Paging.PhysicalToVirtual(entry & Paging.AddressMask);
        }

        return ulong.MaxValue;
    }
}
