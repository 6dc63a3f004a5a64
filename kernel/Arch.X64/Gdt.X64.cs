using System.Runtime.InteropServices;

namespace CapOS.Kernel.Arch.X64;

/// <summary>
/// The GDT and the TSS. Selector order is fixed by syscall/sysret (STAR): kernel code
/// 0x08, kernel data 0x10, user data 0x18, user code 0x20, TSS 0x28 (two slots).
/// The TSS holds RSP0 (the one kernel stack every ring-3 entry starts on) and IST1,
/// the double-fault stack. docs/boot.md "GDT, IDT, TSS".
/// </summary>
internal static unsafe class Gdt
{
    public const ushort KernelCode = 0x08;
    public const ushort KernelData = 0x10;
    public const ushort UserData = 0x18 | 3;
    public const ushort UserCode = 0x20 | 3;
    public const ushort TaskState = 0x28;

    private static Tables s_tables;

    public static void Initialize()
    {
        fixed (Tables* tables = &s_tables)
        {
            ulong* gdt = tables->Descriptors;
            gdt[0] = 0;
            gdt[1] = 0x00AF9A000000FFFF; // kernel code: present, DPL 0, executable, long mode
            gdt[2] = 0x00CF92000000FFFF; // kernel data: present, DPL 0, writable
            gdt[3] = 0x00CFF2000000FFFF; // user data: present, DPL 3, writable
            gdt[4] = 0x00AFFA000000FFFF; // user code: present, DPL 3, executable, long mode

            TaskStateSegment* tss = &tables->Tss;
            tss->Rsp0 = Cpu.KernelStackTop();
            tss->Ist1 = Cpu.DoubleFaultStackTop();
            tss->IoMapBase = (ushort)sizeof(TaskStateSegment);
            ulong tssBase = (ulong)tss;
            ulong limit = (ulong)sizeof(TaskStateSegment) - 1;
            gdt[5] = (limit & 0xFFFF) | ((tssBase & 0xFFFFFF) << 16) | (0x89UL << 40) | (((limit >> 16) & 0xF) << 48) | (((tssBase >> 24) & 0xFF) << 56);
            gdt[6] = tssBase >> 32;

            tables->Pointer.Limit = 7 * 8 - 1;
            tables->Pointer.Base = (ulong)gdt;
            Cpu.LoadGdt(&tables->Pointer);
            Cpu.ReloadSegments(KernelCode, KernelData);
            Cpu.LoadTaskRegister(TaskState);
        }
    }

    [StructLayout(LayoutKind.Sequential, Pack = 1)]
    internal struct DescriptorPointer
    {
        public ushort Limit;
        public ulong Base;
    }

    [StructLayout(LayoutKind.Sequential, Pack = 4)]
    internal struct TaskStateSegment
    {
        public uint Reserved0;
        public ulong Rsp0;
        public ulong Rsp1;
        public ulong Rsp2;
        public ulong Reserved1;
        public ulong Ist1;
        public ulong Ist2;
        public ulong Ist3;
        public ulong Ist4;
        public ulong Ist5;
        public ulong Ist6;
        public ulong Ist7;
        public ulong Reserved2;
        public ushort Reserved3;
        public ushort IoMapBase;
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct Tables
    {
        public fixed ulong Descriptors[7];
        public TaskStateSegment Tss;
        public ushort Padding;
        public DescriptorPointer Pointer;
    }
}
