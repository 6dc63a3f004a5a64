using System.Runtime.InteropServices;

namespace CapOS.Kernel.Arch.X64;

/// <summary>
/// The register annex page of a process on x86-64 (docs/process.md "Definitions", "Departures from EROS"):
/// the whole user register file, as a process root's slot 4 page holds it on disk. The layout is on disk:
/// never move a field. Shared with imagegen, which writes the initial registers of the processes it builds.
/// </summary>
/// <remarks>
/// I1 <see cref="Fxsave"/> is 16-byte aligned (FXSAVE/FXRSTOR fault otherwise): offset 512 in a page.
/// I2 A fresh annex (<see cref="Initialize"/>) has RFLAGS = IF and the FPU/SSE control words at their
///    power-on values (FCW 0x037F, MXCSR 0x1F80), so FXRSTOR of it is legal.
/// I3 A zero FXSAVE area (FCW 0 and MXCSR 0: an annex page bought from a bank and never written, as the process
///    creator's) loads as the power-on control words, not as "every FPU and SSE exception unmasked"
///    (RegisterAnnexTests.AZeroAnnexLoadsThePowerOnFpuState).
/// Offsets pinned by RegisterAnnexTests.
/// </remarks>
[StructLayout(LayoutKind.Explicit, Size = Size)]
public unsafe struct RegisterAnnex
{
    /// <summary>The annex is one page.</summary>
    public const int Size = 4096;

    /// <summary>Byte offset of the FXSAVE area (I1).</summary>
    public const int FxsaveOffset = 512;

    /// <summary>Bytes of the FXSAVE area.</summary>
    public const int FxsaveSize = 512;

    /// <summary>RFLAGS of a fresh process: interrupts enabled (bit 9) and the reserved bit 1.</summary>
    public const ulong InitialRflags = 0x202;

    [FieldOffset(0)] public ulong Rax;
    [FieldOffset(8)] public ulong Rbx;
    [FieldOffset(16)] public ulong Rcx;
    [FieldOffset(24)] public ulong Rdx;
    [FieldOffset(32)] public ulong Rsi;
    [FieldOffset(40)] public ulong Rdi;
    [FieldOffset(48)] public ulong Rbp;
    [FieldOffset(56)] public ulong Rsp;
    [FieldOffset(64)] public ulong R8;
    [FieldOffset(72)] public ulong R9;
    [FieldOffset(80)] public ulong R10;
    [FieldOffset(88)] public ulong R11;
    [FieldOffset(96)] public ulong R12;
    [FieldOffset(104)] public ulong R13;
    [FieldOffset(112)] public ulong R14;
    [FieldOffset(120)] public ulong R15;
    [FieldOffset(128)] public ulong Rip;
    [FieldOffset(136)] public ulong Rflags;
    [FieldOffset(144)] public ulong FsBase;
    [FieldOffset(152)] public ulong GsBase;

    /// <summary>The FXSAVE image (x87, MMX, SSE state).</summary>
    [FieldOffset(FxsaveOffset)] public fixed byte Fxsave[FxsaveSize];

    /// <summary>A fresh register file (I2) that starts at <paramref name="rip"/> with stack <paramref name="rsp"/>.</summary>
    public static void Initialize(RegisterAnnex* annex, ulong rip, ulong rsp)
    {
        byte* bytes = (byte*)annex;
        for (int i = 0; i < Size; i++)
        {
            bytes[i] = 0;
        }

        annex->Rip = rip;
        annex->Rsp = rsp;
        annex->Rflags = InitialRflags;
        *(ushort*)(annex->Fxsave + 0) = 0x037F; // FCW
        *(uint*)(annex->Fxsave + 24) = 0x1F80;  // MXCSR
    }

    /// <summary>RFLAGS bits a process may set: CF PF AF ZF SF TF DF OF and AC; IF is always set, IOPL 0.</summary>
    public const ulong UserRflagsMask = 0x40DD5;

    /// <summary>First address above the user half (canonical lower half of a 48-bit address space).</summary>
    public const ulong UserHalfLimit = 0x0000_8000_0000_0000;

    /// <summary>MXCSR bits that may be set (bits 16..31 reserved: FXRSTOR of them is a #GP).</summary>
    public const uint MxcsrMask = 0xFFFF;

    /// <summary>
    /// Makes a register file loadable whatever a program or a stored annex put in it: RFLAGS limited to the
    /// user bits with IF set, MXCSR's reserved bits clear. A stored annex is data: it must never become a
    /// #GP in the kernel's return path.
    /// </summary>
    public static void Sanitize(RegisterAnnex* annex)
    {
        annex->Rflags = (annex->Rflags & UserRflagsMask) | InitialRflags;
        annex->Rip = annex->Rip < UserHalfLimit ? annex->Rip : 0;             // iretq to a non-canonical RIP faults in ring 0
        annex->FsBase = annex->FsBase < UserHalfLimit ? annex->FsBase : 0;    // so does loading a non-canonical base
        annex->GsBase = annex->GsBase < UserHalfLimit ? annex->GsBase : 0;
        SanitizeFpu(annex->Fxsave);
    }

    /// <summary>MXCSR's reserved bits cleared; a zero FCW and MXCSR (a never-written annex) become the power-on words (I3).</summary>
    public static void SanitizeFpu(byte* fxsave)
    {
        *(uint*)(fxsave + 24) &= MxcsrMask;
        if (*(ushort*)fxsave == 0 && *(uint*)(fxsave + 24) == 0)
        {
            *(ushort*)fxsave = 0x037F;
            *(uint*)(fxsave + 24) = 0x1F80;
        }
    }
}
