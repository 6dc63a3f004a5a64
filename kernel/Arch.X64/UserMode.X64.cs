using CapOS.Kernel.Arch.X64;
using CapOS.Kernel.Memory;

namespace CapOS.Kernel.Process;

/// <summary>
/// Metal half of the user-mode seam: loads a static ELF64 image (PT_LOAD segments,
/// copied into fresh zeroed pages) into a new address space with a stack below
/// <see cref="StackTop"/>, and enters ring 3 with iretq through the saved trap frame.
/// </summary>
public static unsafe partial class UserMode
{
    public const ulong StackTop = 0x00007FFFFFFF0000;
    public const ulong StackPages = 4;

    private const uint ElfMagic = 0x464C457F;
    private const ushort MachineX64 = 0x3E;
    private const uint SegmentLoad = 1;

    public static partial bool Load(ProcessEntry* process, ulong start, ulong end)
    {
        Diagnostics.Panic.Assert(sizeof(TrapFrame) <= ProcessEntry.ContextSize, "TrapFrame does not fit ProcessEntry.Context");
        byte* image = Paging.PhysicalToVirtual(start);
        ulong size = end - start;
        if (size < 64 || *(uint*)image != ElfMagic || image[4] != 2 || *(ushort*)(image + 18) != MachineX64)
        {
            return false;
        }

        ulong root = AddressSpace.Create();
        if (root == 0)
        {
            return false;
        }

        process->AddressSpace = root;
        ulong headers = *(ulong*)(image + 32);
        ushort headerSize = *(ushort*)(image + 54);
        ushort headerCount = *(ushort*)(image + 56);
        if (headers + ((ulong)headerSize * headerCount) > size)
        {
            return false;
        }

        for (int i = 0; i < headerCount; i++)
        {
            byte* header = image + headers + ((ulong)i * headerSize);
            if (*(uint*)header == SegmentLoad && !LoadSegment(root, image, size, header))
            {
                return false;
            }
        }

        for (ulong page = 1; page <= StackPages; page++)
        {
            if (!MapZeroed(root, StackTop - (page * Paging.PageSize)))
            {
                return false;
            }
        }

        TrapFrame* frame = (TrapFrame*)process->Context;
        *frame = default;
        frame->Rip = *(ulong*)(image + 24);
        frame->Cs = Gdt.UserCode;
        frame->Rflags = 0x202; // IF
        frame->Rsp = StackTop;
        frame->Ss = Gdt.UserData;
        return true;
    }

    public static partial void Enter(ProcessEntry* process)
    {
        if ((Cpu.ReadCr3() & Paging.AddressMask) != process->AddressSpace)
        {
            Cpu.WriteCr3(process->AddressSpace);
        }

        Cpu.Resume((TrapFrame*)process->Context);
    }

    public static partial void Release(ProcessEntry* process)
    {
        if (process->AddressSpace != 0)
        {
            AddressSpace.Destroy(process->AddressSpace);
            process->AddressSpace = 0;
        }
    }

    private static bool LoadSegment(ulong root, byte* image, ulong size, byte* header)
    {
        ulong offset = *(ulong*)(header + 8);
        ulong virtualAddress = *(ulong*)(header + 16);
        ulong fileSize = *(ulong*)(header + 32);
        ulong memorySize = *(ulong*)(header + 40);
        if (fileSize > memorySize || offset + fileSize > size || offset + fileSize < offset
            || virtualAddress >= Paging.UserLimit || memorySize > Paging.UserLimit - virtualAddress)
        {
            return false;
        }

        for (ulong page = virtualAddress & ~(Paging.PageSize - 1); page < virtualAddress + memorySize; page += Paging.PageSize)
        {
            if (AddressSpace.TranslateUser(root, page, true) == ulong.MaxValue && !MapZeroed(root, page))
            {
                return false;
            }

            ulong copyStart = System.Math.Max(page, virtualAddress);
            ulong copyEnd = System.Math.Min(page + Paging.PageSize, virtualAddress + fileSize);
            if (copyStart < copyEnd)
            {
                byte* target = Paging.PhysicalToVirtual(AddressSpace.TranslateUser(root, copyStart, true));
                System.Runtime.InteropServices.NativeMemory.Copy(image + offset + (copyStart - virtualAddress), target, (nuint)(copyEnd - copyStart));
            }
        }

        return true;
    }

    private static bool MapZeroed(ulong root, ulong virtualAddress)
    {
        ulong frame = PageAllocator.AllocateZeroedPage();
        return frame != 0 && AddressSpace.MapUserPage(root, virtualAddress, frame);
    }
}
