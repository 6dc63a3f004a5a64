using System.Runtime.InteropServices;
using CapOS.Kernel.Arch.X64;
using CapOS.Kernel.Memory;

namespace CapOS.Kernel.Process;

/// <summary>
/// Metal half of the user-mode seam: loads a static ELF64 image (PT_LOAD segments,
/// copied into fresh zeroed pages) into a new address space with a stack below
/// <see cref="StackTop"/>, and enters ring 3 with iretq through the saved trap frame.
/// The context of a process entry is a <see cref="TrapFrame"/> at offset 0, FS/GS base after it, and the
/// FXSAVE image at <see cref="FxsaveOffset"/> (16-byte aligned: ProcessEntry I1), which the trap path
/// saves and restores (Traps.X64.asm). <see cref="LoadRegisters"/> and <see cref="SaveRegisters"/>
/// convert it from and to the register annex page (<see cref="RegisterAnnex"/>).
/// </summary>
public static unsafe partial class UserMode
{
    public const ulong StackTop = 0x00007FFFFFFF0000;
    public const ulong StackPages = 4;

    /// <summary>Offset of the FXSAVE image in a process entry's context.</summary>
    public const int FxsaveOffset = 512;

    /// <summary>Offset of the saved FS base (GS base follows) in a process entry's context.</summary>
    private const int SegmentBaseOffset = 192;

    /// <summary>RFLAGS bits a process may set: CF PF AF ZF SF TF DF OF and AC; IF is always set, IOPL 0.</summary>
    private const ulong UserRflagsMask = 0x40DD5;

    /// <summary>MXCSR bits that may be set (bits 16..31 reserved: FXRSTOR of them is a #GP).</summary>
    private const uint MxcsrMask = 0xFFFF;

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

        NativeMemory.Clear(process->Context, ProcessEntry.ContextSize);
        TrapFrame* frame = (TrapFrame*)process->Context;
        frame->Rip = *(ulong*)(image + 24);
        frame->Rsp = StackTop;
        frame->Rflags = RegisterAnnex.InitialRflags;
        frame->Cs = Gdt.UserCode;
        frame->Ss = Gdt.UserData;
        *(ushort*)(process->Context + FxsaveOffset) = 0x037F;     // FCW, as RegisterAnnex.Initialize
        *(uint*)(process->Context + FxsaveOffset + 24) = 0x1F80;  // MXCSR
        return true;
    }

    public static partial void Enter(ProcessEntry* process)
    {
        if ((Cpu.ReadCr3() & Paging.AddressMask) != process->AddressSpace)
        {
            Cpu.WriteCr3(process->AddressSpace);
        }

        Cpu.SetUserFpuArea(process->Context + FxsaveOffset);
        Cpu.Resume((TrapFrame*)process->Context);
    }

    public static partial void LoadRegisters(ProcessEntry* process, byte* annex)
    {
        Diagnostics.Panic.Assert(sizeof(TrapFrame) <= SegmentBaseOffset, "TrapFrame overlaps the segment bases");
        RegisterAnnex* registers = (RegisterAnnex*)annex;
        TrapFrame* frame = (TrapFrame*)process->Context;
        *frame = default;
        frame->Rax = registers->Rax;
        frame->Rbx = registers->Rbx;
        frame->Rcx = registers->Rcx;
        frame->Rdx = registers->Rdx;
        frame->Rsi = registers->Rsi;
        frame->Rdi = registers->Rdi;
        frame->Rbp = registers->Rbp;
        frame->Rsp = registers->Rsp;
        frame->R8 = registers->R8;
        frame->R9 = registers->R9;
        frame->R10 = registers->R10;
        frame->R11 = registers->R11;
        frame->R12 = registers->R12;
        frame->R13 = registers->R13;
        frame->R14 = registers->R14;
        frame->R15 = registers->R15;
        frame->Rip = registers->Rip;
        frame->Rflags = (registers->Rflags & UserRflagsMask) | RegisterAnnex.InitialRflags;
        frame->Cs = Gdt.UserCode;
        frame->Ss = Gdt.UserData;
        ((ulong*)(process->Context + SegmentBaseOffset))[0] = registers->FsBase;
        ((ulong*)(process->Context + SegmentBaseOffset))[1] = registers->GsBase;
        NativeMemory.Copy(registers->Fxsave, process->Context + FxsaveOffset, RegisterAnnex.FxsaveSize);
        *(uint*)(process->Context + FxsaveOffset + 24) &= MxcsrMask; // a stored annex is data: never a #GP in FXRSTOR
    }

    public static partial void SaveRegisters(ProcessEntry* process, byte* annex)
    {
        RegisterAnnex* registers = (RegisterAnnex*)annex;
        TrapFrame* frame = (TrapFrame*)process->Context;
        registers->Rax = frame->Rax;
        registers->Rbx = frame->Rbx;
        registers->Rcx = frame->Rcx;
        registers->Rdx = frame->Rdx;
        registers->Rsi = frame->Rsi;
        registers->Rdi = frame->Rdi;
        registers->Rbp = frame->Rbp;
        registers->Rsp = frame->Rsp;
        registers->R8 = frame->R8;
        registers->R9 = frame->R9;
        registers->R10 = frame->R10;
        registers->R11 = frame->R11;
        registers->R12 = frame->R12;
        registers->R13 = frame->R13;
        registers->R14 = frame->R14;
        registers->R15 = frame->R15;
        registers->Rip = frame->Rip;
        registers->Rflags = frame->Rflags;
        registers->FsBase = ((ulong*)(process->Context + SegmentBaseOffset))[0];
        registers->GsBase = ((ulong*)(process->Context + SegmentBaseOffset))[1];
        NativeMemory.Copy(process->Context + FxsaveOffset, registers->Fxsave, RegisterAnnex.FxsaveSize);
    }

    public static partial ulong ProgramCounter(ProcessEntry* process) => ((TrapFrame*)process->Context)->Rip;

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
                NativeMemory.Copy(image + offset + (copyStart - virtualAddress), target, (nuint)(copyEnd - copyStart));
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
