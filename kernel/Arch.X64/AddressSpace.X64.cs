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

    /// <summary>A new address space: empty lower half, the kernel's upper half. 0 when out of memory.</summary>
    public static ulong Create()
    {
        ulong root = PageAllocator.AllocateZeroedPage();
        if (root == 0)
        {
            return 0;
        }

        ulong* kernel = (ulong*)Paging.PhysicalToVirtual(KernelRoot);
        ulong* pml4 = (ulong*)Paging.PhysicalToVirtual(root);
        for (int slot = KernelFirstSlot; slot < 512; slot++)
        {
            pml4[slot] = kernel[slot];
        }

        return root;
    }

    /// <summary>Maps the 4 KiB page at user address <paramref name="virtualAddress"/> to <paramref name="physical"/>, user-accessible and writable.</summary>
    public static bool MapUserPage(ulong root, ulong virtualAddress, ulong physical)
    {
        ulong* table = (ulong*)Paging.PhysicalToVirtual(root);
        for (int level = 3; level > 0; level--)
        {
            int index = (int)((virtualAddress >> (12 + (9 * level))) & 0x1FF);
            if ((table[index] & Paging.Present) == 0)
            {
                ulong next = PageAllocator.AllocateZeroedPage();
                if (next == 0)
                {
                    return false;
                }

                table[index] = next | Paging.Present | Paging.Writable | Paging.User;
            }

            table = (ulong*)Paging.PhysicalToVirtual(table[index] & Paging.AddressMask);
        }

        table[(virtualAddress >> 12) & 0x1FF] = (physical & Paging.AddressMask) | Paging.Present | Paging.Writable | Paging.User;
        return true;
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

    /// <summary>
    /// Frees every frame of the user half of <paramref name="root"/> (pages and tables) and the
    /// PML4 itself. Leaves the kernel's tables alone; switches to the kernel's PML4 first if
    /// <paramref name="root"/> is loaded, so no freed frame is ever in use by the MMU.
    /// </summary>
    public static void Destroy(ulong root)
    {
        if ((Cpu.ReadCr3() & Paging.AddressMask) == root)
        {
            Cpu.WriteCr3(KernelRoot);
        }

        FreeTable(root, 3, KernelFirstSlot);
    }

    private static void FreeTable(ulong table, int level, int entries)
    {
        ulong* entry = (ulong*)Paging.PhysicalToVirtual(table);
        for (int i = 0; i < entries; i++)
        {
            if ((entry[i] & Paging.Present) != 0)
            {
                ulong next = entry[i] & Paging.AddressMask;
                if (level == 0)
                {
                    PageAllocator.FreePage(next);
                }
                else
                {
                    FreeTable(next, level - 1, 512);
                }
            }
        }

        PageAllocator.FreePage(table);
    }
}
