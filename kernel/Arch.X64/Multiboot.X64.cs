using CapOS.Kernel.Boot;

namespace CapOS.Kernel.Arch.X64;

/// <summary>
/// The boot handoff: turns Multiboot1 (QEMU -kernel) or Multiboot2 (GRUB) information
/// into the loader-neutral <see cref="BootInfo"/>. The only file that knows either
/// protocol; a Limine handoff would be one more file like it. Memory above the direct
/// map (4 GiB) is left out of the map for now. docs/boot.md "Boot information".
/// </summary>
internal static unsafe class Multiboot
{
    public const uint Multiboot1Magic = 0x2BADB002;
    public const uint Multiboot2Magic = 0x36D76289;

    public static void Parse(ulong magic, ulong information, BootInfo* boot)
    {
        *boot = default;
        boot->AddReserved(Cpu.ImageStartPhysical(), Cpu.ImageEndPhysical());
        if (magic == Multiboot1Magic)
        {
            boot->Loader = BootLoader.Multiboot1;
            ParseVersion1(Paging.PhysicalToVirtual(information), boot);
        }
        else if (magic == Multiboot2Magic)
        {
            boot->Loader = BootLoader.Multiboot2;
            ParseVersion2(Paging.PhysicalToVirtual(information), boot);
        }
    }

    private static void ParseVersion1(byte* info, BootInfo* boot)
    {
        uint flags = *(uint*)info;
        if ((flags & (1 << 2)) != 0)
        {
            // Multiboot1 loaders (QEMU, GRUB legacy) put the kernel's file name first: drop it.
            byte* commandLine = Paging.PhysicalToVirtual(*(uint*)(info + 16));
            int length = StringLength(commandLine);
            int skip = 0;
            while (skip < length && commandLine[skip] != (byte)' ')
            {
                skip++;
            }

            while (skip < length && commandLine[skip] == (byte)' ')
            {
                skip++;
            }

            boot->SetCommandLine(commandLine + skip, length - skip);
        }

        if ((flags & (1 << 6)) != 0)
        {
            uint length = *(uint*)(info + 44);
            byte* entry = Paging.PhysicalToVirtual(*(uint*)(info + 48));
            byte* end = entry + length;
            while (entry < end)
            {
                AddRegion(boot, *(ulong*)(entry + 4), *(ulong*)(entry + 12), *(uint*)(entry + 20));
                entry += *(uint*)entry + 4;
            }
        }

        if ((flags & (1 << 3)) != 0)
        {
            uint count = *(uint*)(info + 20);
            byte* module = Paging.PhysicalToVirtual(*(uint*)(info + 24));
            for (uint i = 0; i < count; i++, module += 16)
            {
                byte* name = Paging.PhysicalToVirtual(*(uint*)(module + 8));
                boot->AddModule(*(uint*)module, *(uint*)(module + 4), name, StringLength(name));
            }
        }
    }

    private static void ParseVersion2(byte* info, BootInfo* boot)
    {
        uint totalSize = *(uint*)info;
        byte* tag = info + 8;
        byte* end = info + totalSize;
        while (tag + 8 <= end)
        {
            uint type = *(uint*)tag;
            uint size = *(uint*)(tag + 4);
            if (type == 0)
            {
                break;
            }

            if (type == 1)
            {
                boot->SetCommandLine(tag + 8, StringLength(tag + 8));
            }
            else if (type == 3)
            {
                boot->AddModule(*(uint*)(tag + 8), *(uint*)(tag + 12), tag + 16, StringLength(tag + 16));
            }
            else if (type == 6)
            {
                uint entrySize = *(uint*)(tag + 8);
                for (byte* entry = tag + 16; entry + entrySize <= tag + size; entry += entrySize)
                {
                    AddRegion(boot, *(ulong*)entry, *(ulong*)(entry + 8), *(uint*)(entry + 16));
                }
            }

            tag += (size + 7) & ~7u;
        }
    }

    /// <summary>Multiboot type 1 is available RAM; everything else is reserved. Clipped to the direct map.</summary>
    private static void AddRegion(BootInfo* boot, ulong regionBase, ulong length, uint type)
    {
        if (regionBase >= Paging.DirectMapSize)
        {
            return;
        }

        if (length > Paging.DirectMapSize - regionBase)
        {
            length = Paging.DirectMapSize - regionBase;
        }

        boot->AddRegion(regionBase, length, type == 1 ? MemoryKind.Usable : MemoryKind.Reserved);
    }

    private static int StringLength(byte* text)
    {
        int length = 0;
        while (length < 4096 && text[length] != 0)
        {
            length++;
        }

        return length;
    }
}
