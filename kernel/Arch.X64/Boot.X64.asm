; Boot stub: Multiboot1 (a.out kludge, for QEMU -kernel) and Multiboot2 (GRUB)
; headers, the 32-bit entry, the boot page tables and the switch to long mode.
; Leaves for C# (KernelMain in Arch.X64/KernelEntry.X64.cs) with
;   rdi = loader magic (0x2BADB002 multiboot1, 0x36D76289 multiboot2)
;   rsi = physical address of the loader's information block
; Virtual layout and why: docs/boot.md "Virtual layout".

bits 32

extern image_start_phys
extern image_load_end_phys
extern image_end_phys
extern KernelMain

global multiboot_entry
global boot_pml4
global kernel_stack_top
global double_fault_stack_top
global __security_cookie

KERNEL_VMA      equ 0xFFFFFFFF80000000
PAGE_PRESENT    equ 1
PAGE_WRITABLE   equ 2
PAGE_LARGE      equ 0x80
MB1_MAGIC       equ 0x1BADB002
MB1_FLAGS       equ 0x00010003      ; page-align modules, memory info, a.out kludge (load addresses below)
MB2_MAGIC       equ 0xE85250D6

section .multiboot progbits alloc exec write align=8
mb1_header:
    dd MB1_MAGIC
    dd MB1_FLAGS
    dd -(MB1_MAGIC + MB1_FLAGS)
    dd mb1_header                   ; header_addr
    dd image_start_phys             ; load_addr
    dd image_load_end_phys          ; load_end_addr
    dd image_end_phys               ; bss_end_addr
    dd multiboot_entry              ; entry_addr

align 8
mb2_header:
    dd MB2_MAGIC
    dd 0                            ; architecture: i386 protected mode
    dd mb2_header_end - mb2_header
    dd -(MB2_MAGIC + 0 + (mb2_header_end - mb2_header))
    ; address tag: load the file like the a.out kludge above
    dw 2, 0
    dd 24
    dd mb2_header
    dd image_start_phys
    dd image_load_end_phys
    dd image_end_phys
    ; entry address tag
    dw 3, 0
    dd 12
    dd multiboot_entry
    dd 0                            ; pad to 8
    ; end tag
    dw 0, 0
    dd 8
mb2_header_end:

section .boot.text progbits alloc exec write align=16
multiboot_entry:
    cli
    cld
    mov edi, eax                    ; loader magic
    mov esi, ebx                    ; loader information (physical)
    mov esp, boot_stack_top

    ; Direct map: PD_dm[0..2047] map physical 0..4 GiB with 2 MiB pages.
    mov ecx, 0
.fill_pd:
    mov eax, ecx
    shl eax, 21
    or eax, PAGE_PRESENT | PAGE_WRITABLE | PAGE_LARGE
    mov [boot_pd + ecx * 8], eax
    mov eax, ecx
    shr eax, 11                     ; bits 32.. of (ecx << 21)
    mov [boot_pd + ecx * 8 + 4], eax
    inc ecx
    cmp ecx, 2048
    jne .fill_pd

    ; PDPT_dm[0..3] -> the four page directories.
    mov ecx, 0
.fill_pdpt:
    mov eax, ecx
    shl eax, 12
    add eax, boot_pd
    or eax, PAGE_PRESENT | PAGE_WRITABLE
    mov [boot_pdpt_direct + ecx * 8], eax
    inc ecx
    cmp ecx, 4
    jne .fill_pdpt

    ; PML4[0] (identity, until C# drops it) and PML4[256] (direct map) share PDPT_dm;
    ; PML4[511] -> PDPT_hi, whose entry 510 maps the kernel image region (first GiB).
    mov eax, boot_pdpt_direct + (PAGE_PRESENT | PAGE_WRITABLE)
    mov [boot_pml4], eax
    mov [boot_pml4 + 256 * 8], eax
    mov eax, boot_pdpt_high + (PAGE_PRESENT | PAGE_WRITABLE)
    mov [boot_pml4 + 511 * 8], eax
    mov eax, boot_pd + (PAGE_PRESENT | PAGE_WRITABLE)
    mov [boot_pdpt_high + 510 * 8], eax

    ; CR4: PAE | PGE | OSFXSR | OSXMMEXCPT (ILC code uses SSE everywhere).
    mov eax, cr4
    or eax, 0x20 | 0x80 | 0x200 | 0x400
    mov cr4, eax
    mov eax, boot_pml4
    mov cr3, eax
    ; EFER: SCE (syscall) | LME | NXE.
    mov ecx, 0xC0000080
    rdmsr
    or eax, 0x1 | 0x100 | 0x800
    wrmsr
    ; CR0: PG | WP | MP | PE, with EM and TS clear.
    mov eax, cr0
    and eax, ~(0x4 | 0x8)
    or eax, 0x80000000 | 0x10000 | 0x2 | 0x1
    mov cr0, eax
    lgdt [boot_gdt_pointer]
    jmp 0x08:long_mode_entry

bits 64
long_mode_entry:
    mov ax, 0x10
    mov ds, ax
    mov es, ax
    mov ss, ax
    xor eax, eax
    mov fs, ax
    mov gs, ax
    mov rax, higher_half_entry
    jmp rax

align 8
boot_gdt:
    dq 0
    dq 0x00AF9A000000FFFF           ; 0x08 kernel code, 64-bit
    dq 0x00CF92000000FFFF           ; 0x10 kernel data
boot_gdt_end:
boot_gdt_pointer:
    dw boot_gdt_end - boot_gdt - 1
    dq boot_gdt

; Page tables: part of the loaded image (zero-filled in the file) so the boot
; segment stays a plain copy of the file. They remain the kernel's tables.
section .boot.tables progbits alloc write align=4096
boot_pml4:          times 4096 db 0
boot_pdpt_direct:   times 4096 db 0
boot_pdpt_high:     times 4096 db 0
boot_pd:            times 4 * 4096 db 0
boot_stack:         times 4096 db 0
boot_stack_top:

section .text
higher_half_entry:
    mov rsp, kernel_stack_top
    mov edi, edi                    ; zero-extend the loader's 32-bit values
    mov esi, esi
    xor ebp, ebp
    call KernelMain
.hang:
    cli
    hlt
    jmp .hang

section .data
align 8
__security_cookie:
    dq 0x2B992DDFA232

section .bss
align 4096
kernel_stack:
    resb 64 * 1024
kernel_stack_top:
double_fault_stack:
    resb 16 * 1024
double_fault_stack_top:
